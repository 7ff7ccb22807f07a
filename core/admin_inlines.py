"""The base of every inline of our admins (the apps' ``admin`` modules and
``core.webhooks.admin``): a module of its own, so that importing it registers nothing."""

from django.contrib import admin


class BoundedTabularInline(admin.TabularInline):
    """An inline whose posted formset builds at most its saved rows plus ``new_rows_max``
    new forms, whatever count its management form claims: Django's default builds up to
    2,000 forms per inline (a project's change form posted with a count of 10^20 took
    20 s). Over the ceiling the formset says so and nothing is saved (the admin's save is
    atomic). Only a POST counts the saved rows (one query per inline)."""

    new_rows_max = 50

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Django calls this again with ``fields=None`` for the form's fields only: not counted.
        if request is not None and request.method == "POST" and "fields" not in kwargs:
            saved = 0
            if obj is not None and obj.pk is not None:
                saved = formset.model._default_manager.filter(**{formset.fk.name: obj}).count()
            formset.max_num = formset.absolute_max = saved + self.new_rows_max
        return formset
