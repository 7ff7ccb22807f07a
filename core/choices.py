"""``get_FOO_display`` without rebuilding the field's choices on each call.

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` for
every call: it hashes each choice, its lazily translated label included, which translates
each label every time. A list of 25 projects showing a sector (14 choices), a status and a
legal form spent 23 % of its CPU there (``docs/performance.md``, part 9). ``ChoiceLabels``
keeps, per field, the mapping from a value to its (still lazy) label, built once; the
label is translated as the page is drawn, in the language of the request, as Django's is.
Choices given as a callable are read each time, as Django does.
"""

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict[models.Field, dict] = {}


def choice_labels(field: models.Field) -> dict | None:
    """The field's {hashable value: label}, or ``None`` when its choices are a callable."""
    labels = _LABELS.get(field)
    if labels is None:
        if not isinstance(field.choices, list | tuple):
            return None
        labels = _LABELS[field] = {make_hashable(value): label for value, label in field.flatchoices}
    return labels


class ChoiceLabels:
    """Mixin of every model of ours with a field of choices (``tests/core/test_choice_labels.py``)."""

    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name
        labels = choice_labels(field)
        if labels is None:
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
