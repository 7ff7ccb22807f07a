"""A form's model choices read with one ordinary query, not a server-side cursor.

Django's ``ModelChoiceIterator`` reads a choice field's rows with ``QuerySet.iterator()``,
so that the field's queryset does not keep them. On PostgreSQL ``iterator()`` opens a
server-side cursor: ``DECLARE ... WITH HOLD`` (outside a transaction the whole result is
then copied aside at once), ``FETCH``, ``CLOSE``, three round trips where one ``SELECT``
would do. A form's choices are a short list (a chooser over a large table is a search
widget, never a ``<select>`` of every row), so the cursor bought nothing: the committee's
sitting page (two such fields) cost 12 % less CPU without it (``docs/performance.md``,
part 10).

:func:`install` (from ``CoreConfig.ready``) gives Django's ``ModelChoiceIterator`` this
``__iter__``: the same choices in the same order, read by one query on a copy of the
queryset (``_chain()``), which keeps the field's own queryset uncached, as Django's does.
django-filter's iterator (its "null" choice) extends Django's and gets it too.
``tests/core/test_model_choices_one_query.py`` compares the choices with Django's own.
The explicit ``iterator()`` of the registry's scans (``refugees.selectors``) is untouched:
those read the whole registry and do stream.
"""

from django.forms.models import ModelChoiceIterator

DJANGO_ITER = ModelChoiceIterator.__iter__


def _iter(self):
    if self.field.empty_label is not None:
        yield ("", self.field.empty_label)
    queryset = self.queryset
    if not queryset._prefetch_related_lookups:  # else iterated as Django does, prefetched
        queryset = queryset._chain()
    for obj in queryset:
        yield self.choice(obj)


def install() -> None:
    ModelChoiceIterator.__iter__ = _iter
