"""The list's search, filters and sorting (django-filter)."""

import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.agd import AGE_BRACKET_CHOICES, bracket_q
from core.models import Office, Region
from refugees.models import LegalStatus, Refugee, RefugeeStatus, Sex
from refugees.names import search_terms
from refugees.validators import normalise_phone, unhcr_number_query

SORTS = {
    "name": ("last_name_latin", "first_name_latin", "pk"),
    "-name": ("-last_name_latin", "-first_name_latin", "-pk"),
    "intake": ("intake_date", "pk"),
    "-intake": ("-intake_date", "-pk"),
    "unhcr": ("unhcr_individual_number",),
    "-unhcr": ("-unhcr_individual_number",),
    "birth": ("date_of_birth", "pk"),
    "-birth": ("-date_of_birth", "-pk"),
}


_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]{4,}$")


def search_refugees(qs: QuerySet[Refugee], query: str) -> QuerySet[Refugee]:
    """Search by name (Latin or Arabic, normalised), UNHCR number or phone.

    The kind of query is recognised first so that each search uses one index
    (prefix on the numbers, trigram on phone, ``search_key`` for names: ``name_search_q``).
    """
    query = (query or "").replace("\x00", "").strip()[:200]
    if not query:
        return qs
    numbers = unhcr_number_query(query)
    if numbers:
        cond = Q()
        for number in numbers:
            cond |= Q(unhcr_individual_number__startswith=number) | Q(unhcr_case_number__startswith=number)
        return qs.filter(cond)
    if _PHONE_QUERY.match(query):
        phone = normalise_phone(query)
        digits = phone.removeprefix("+212") if phone.startswith("+212") else phone.lstrip("+")
        return qs.filter(phone__contains=digits)
    return qs.filter(name_search_q(query))


def name_search_q(query: str) -> Q:
    """People whose names match every word of ``query`` (refugees.names.search_terms): a
    prefix of any of their words in Latin or Arabic script, or the same consonant skeleton
    (another transliteration). One ``LIKE`` per alternative on ``search_key``, the same on
    SQLite and PostgreSQL (a trigram index there). A query of particles only finds nobody.
    """
    terms = search_terms(query)
    if not terms:
        return Q(pk__in=[])
    cond = Q()
    for alternatives in terms:
        either = Q()
        for fragments in alternatives:
            both = Q()
            for fragment in fragments:
                both &= Q(search_key__contains=fragment)
            either |= both
        cond &= either
    return cond


class FastSelect(forms.Select):
    """A <select> rendered in Python: the nationality list has 250 options, and the
    template-per-option rendering of Django's widget would dominate the list page's time.

    With ``cache_key`` (fixed choices, not a queryset), the escaped, translated options are
    built once per language and reused: only the ``selected`` mark changes per request.
    """

    _options_cache: dict[tuple[str, str], list[tuple[str, str, str]]] = {}

    def __init__(self, *args, cache_key: str = "", **kwargs):
        self.cache_key = cache_key
        super().__init__(*args, **kwargs)

    def _options(self) -> list[tuple[str, str, str]]:
        key = (self.cache_key, get_language() or "")
        options = self._options_cache.get(key) if self.cache_key else None
        if options is None:
            options = []
            for value, label in self.choices:
                plain = format_html('<option value="{}">{}</option>', value, label)
                chosen = format_html('<option value="{}" selected>{}</option>', value, label)
                options.append((str(value), plain, chosen))
            if self.cache_key:
                self._options_cache[key] = options
        return options

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        html = "".join(chosen if key == selected else plain for key, plain, chosen in self._options())
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(html))


class RefugeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Name (Arabic or Latin), UNHCR number, phone")}),
    )
    office = django_filters.ModelChoiceFilter(label=_("office"), queryset=Office.objects.order_by("name_fr"))
    nationality = django_filters.ChoiceFilter(label=_("nationality"), choices=lambda: list(countries))
    sex = django_filters.ChoiceFilter(label=_("sex"), choices=Sex.choices)
    age = django_filters.ChoiceFilter(label=_("age bracket"), choices=AGE_BRACKET_CHOICES, method="filter_age")
    status = django_filters.ChoiceFilter(label=_("status"), choices=RefugeeStatus.choices)
    region = django_filters.ModelChoiceFilter(label=_("region"), queryset=Region.objects.order_by("code"))
    legal_status = django_filters.ChoiceFilter(label=_("legal status"), choices=LegalStatus.choices)
    sort = django_filters.ChoiceFilter(
        label=_("sort by"),
        method="filter_sort",
        empty_label=None,
        choices=[
            ("name", _("name (A to Z)")),
            ("-name", _("name (Z to A)")),
            ("-intake", _("intake date (newest first)")),
            ("intake", _("intake date (oldest first)")),
            ("unhcr", _("UNHCR number")),
            ("birth", _("date of birth (oldest first)")),
            ("-birth", _("date of birth (youngest first)")),
        ],
    )

    class Meta:
        model = Refugee
        fields: list[str] = []

    def __init__(self, *args, show_office: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_office:
            del self.filters["office"]
        for name, field in self.form.fields.items():
            if isinstance(field.widget, forms.Select):
                fixed = not isinstance(field, forms.ModelChoiceField)
                field.widget = FastSelect(
                    attrs={"class": "form-select form-select-sm"},
                    choices=field.choices,
                    cache_key=name if fixed else "",
                )
            else:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def filter_q(self, queryset, name, value):
        return search_refugees(queryset, value)

    def filter_age(self, queryset, name, value):
        return queryset.filter(bracket_q(value, timezone.localdate()))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
