"""The view log: one row per person whose identifying data a page, a file or an admin
screen showed (who, when, what, which page). See "History and view log" in docs/refugees.md
for what counts as showing a person's identifying data.

* :func:`log_shown` is the one call of the views and the exports, made after their access
  check, with the people the response shows (a profile, or the named people of a list):
  one ``INSERT`` whatever their number, so a list keeps a constant query count. On
  PostgreSQL it is one ``INSERT ... SELECT FROM unnest(ids)`` with no model instance built
  (``bulk_create`` of a list's 25 rows cost 1.26 ms of Python, the statement 0.33 ms:
  docs/performance.md, part 10); the rows are the same (``tests/refugees/test_view_log_rows.py``).
* :class:`PersonalDataAdmin` is the ``ModelAdmin`` mixin of every model holding personal
  data: it logs its list, change, history and delete pages the same way, and it refuses
  them (no view, add, change, delete or module permission, superusers included) to a user
  without a case role: the admin role is IT (users, roles, offices, reference data) and
  sees no person's data unless the same user is also a caseworker or a programme manager,
  whose office scope then cuts the admin's lists as it cuts the app's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.utils import unquote
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from core.access import restrict
from core.roles import is_manager, is_staff_member
from refugees.models import ProfileView, Refugee

What = ProfileView.What


def _ids(people: Refugee | int | Iterable[Refugee | int | None] | None) -> list[int]:
    if people is None:
        return []
    if isinstance(people, Refugee | int):
        people = [people]
    seen: dict[int, None] = {}
    for person in people:
        pk = getattr(person, "pk", person)
        if pk is not None:
            seen[pk] = None
    return list(seen)


def record_shown(*, by, people, what: str, page: str = "") -> list[ProfileView]:
    """Record that ``by`` was shown ``people`` (a refugee, an id, or several, each once) on
    ``page``: one ``INSERT`` whatever their number, none for nobody."""
    ids = _ids(people)
    if not ids:
        return []
    return ProfileView.objects.bulk_create(
        [ProfileView(refugee_id=pk, user=by, what=what, page=page[:100]) for pk in ids]
    )


def _insert_shown(*, by, ids: list[int], what: str, page: str) -> int:
    """PostgreSQL: the rows ``record_shown`` would create, in one statement, counted."""
    meta = ProfileView._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in ("refugee", "user", "viewed_at", "what", "page"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT unnest(%s::bigint[]), %s, %s, %s, %s",
            [ids, by.pk, timezone.now(), what, page[:100]],
        )
        return cursor.rowcount


def log_shown(request: HttpRequest, people, *, what: str) -> int:
    """The call of the views, the exports and the admin: ``request.user`` was shown
    ``people`` by this request's page (its URL name); returns the number of rows written."""
    match = getattr(request, "resolver_match", None)
    page = match.view_name if match else ""
    if connection.vendor != "postgresql":
        return len(record_shown(by=request.user, people=people, what=what, page=page))
    ids = _ids(people)
    return _insert_shown(by=request.user, ids=ids, what=what, page=page) if ids else 0


class PersonalDataAdmin:
    """Mixin for the ``ModelAdmin`` of a model holding personal data (put it first).

    ``person_path``: the attribute of a row that is the id of the person it names
    (``"pk"`` for a refugee, ``"refugee_id"`` for a consent, ``None`` when the row names
    nobody by itself); ``people_on_page(obj)`` adds the people its change page shows besides
    (inlines, a second person); ``office_path``: the lookup from the model to its office, for
    the office scope of the admin's lists (``None``: a record of no office, such as a
    committee sitting, listed for programme managers only).
    """

    person_path: str | None = "refugee_id"
    office_path: str | None = "refugee__office"
    # A list of a large table counts its rows once (the page's), not twice: no "of N in all"
    # over 1M ledger entries (docs/performance.md).
    show_full_result_count = False

    def people_on_page(self, obj) -> Iterable[int]:
        return ()

    def _people_of(self, obj) -> list:
        own = [getattr(obj, self.person_path)] if self.person_path else []
        return [*own, *self.people_on_page(obj)]

    # --- refusal: a case role, or nothing (superusers included) ---------------------------
    def has_module_permission(self, request) -> bool:
        return is_staff_member(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return is_staff_member(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not is_staff_member(request.user):
            return queryset.none()
        if self.office_path is None:  # a record of no office (a sitting): programme managers
            return queryset if is_manager(request.user) else queryset.none()
        return restrict(queryset, request.user, office_path=self.office_path)

    def get_search_results(self, request, queryset, search_term):
        """No autocomplete of personal data (its JSON would show named people unlogged):
        the forms use raw id fields, whose look-up is the logged list."""
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    # --- the log --------------------------------------------------------------------------
    def _log_object(self, request, object_id, response):
        if getattr(response, "status_code", None) != 200 or object_id is None:
            return response
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            log_shown(request, self._people_of(obj), what=What.ADMIN)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and self.person_path:
            rows = list(changelist.result_list)  # the page's rows, fetched once (the template reuses them)
            log_shown(request, [getattr(row, self.person_path) for row in rows], what=What.LIST)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_object(request, object_id, response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_object(request, object_id, response)

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._log_object(request, object_id, response)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version of the record (django-simple-history's page)."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._log_object(request, object_id, response)
