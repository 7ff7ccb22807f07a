"""Reads of the refugee registry."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import IntegerField, Q, QuerySet

from core.models import PartnerOrganisation
from refugees.models import Consent, Refugee
from refugees.names import has_arabic, name_key, normalise_arabic, trigrams
from refugees.validators import normalise_phone

# pg_trgm similarity above which two normalised names are "similar".
NAME_SIMILARITY = 0.5
# From this many probes (an import), compare in Python after one query (see below).
BULK_IN_PYTHON_FROM = 20


def refugees_sharing_with(partner: PartnerOrganisation) -> QuerySet[Refugee]:
    """People with an active (not withdrawn) consent to share identifiable data with ``partner``.

    Evaluated at query time: a withdrawal removes the person from the next export at once.
    """
    active = Consent.objects.filter(
        purpose=Consent.Purpose.SHARE_IDENTIFIABLE, partner=partner, withdrawn_on__isnull=True
    )
    return Refugee.objects.filter(pk__in=active.values("refugee_id"), anonymised_at__isnull=True)


@dataclass(frozen=True)
class DuplicateProbe:
    """What we know about a person being registered, to look for probable duplicates."""

    key: str  # name_key of the Latin name
    key_ar: str  # name_key of the Arabic name ("" if none)
    birth_year: int | None
    exclude_pk: int | None = None


def probe_for(
    *,
    first_name_latin: str,
    last_name_latin: str,
    first_name_ar: str = "",
    last_name_ar: str = "",
    date_of_birth: datetime.date | None = None,
    birth_year: int | None = None,
    exclude_pk: int | None = None,
) -> DuplicateProbe:
    return DuplicateProbe(
        key=name_key(first_name_latin, last_name_latin),
        key_ar=name_key(first_name_ar, last_name_ar),
        birth_year=date_of_birth.year if date_of_birth else birth_year,
        exclude_pk=exclude_pk,
    )


def probable_duplicates_bulk(probes: Sequence[DuplicateProbe]) -> dict[int, list[int]]:
    """For each probe (by index), the ids of existing people born within a year with a similar name.

    One query for any number of probes on PostgreSQL (pg_trgm, GIN index on name_key).
    """
    todo = [(i, p) for i, p in enumerate(probes) if p.birth_year and (p.key or p.key_ar)]
    found: dict[int, list[int]] = {}
    if not todo:
        return found
    if connection.vendor == "postgresql" and len(todo) <= BULK_IN_PYTHON_FROM:
        idx, keys, years, excl = [], [], [], []
        for i, p in todo:
            for key in {p.key, p.key_ar} - {""}:
                idx.append(i)
                keys.append(key)
                years.append(p.birth_year)
                excl.append(p.exclude_pk or 0)
        sql = """
            SELECT DISTINCT v.idx, r.id
            FROM unnest(%s::int[], %s::text[], %s::int[], %s::bigint[]) AS v(idx, key, year, excl)
            JOIN refugees_refugee r ON r.name_key %% v.key
            WHERE similarity(r.name_key, v.key) >= %s
              AND r.anonymised_at IS NULL
              AND r.id <> v.excl
              AND COALESCE(EXTRACT(YEAR FROM r.date_of_birth)::int, r.birth_year) BETWEEN v.year - 1 AND v.year + 1
            ORDER BY v.idx, r.id
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [idx, keys, years, excl, NAME_SIMILARITY])
            for i, pk in cursor.fetchall():
                found.setdefault(i, []).append(pk)
        return found
    return _probable_duplicates_in_python(todo)


def _probable_duplicates_in_python(todo: list[tuple[int, DuplicateProbe]]) -> dict[int, list[int]]:
    """The same test as pg_trgm's ``similarity()``, computed in Python over the people born
    in the probes' years, through an inverted trigram index of their distinct name keys.

    Used on SQLite, and on PostgreSQL for big batches (an import of thousands of rows):
    one query instead of one GIN index scan per row.
    """
    from collections import Counter, defaultdict

    from django.db.models.functions import Coalesce, ExtractYear

    years: set[int] = set()
    for _i, p in todo:
        years.update((p.birth_year - 1, p.birth_year, p.birth_year + 1))
    people: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if connection.vendor == "postgresql":
        # Grouped by name key in the database: a few thousand rows instead of 100,000.
        sql = """
            SELECT name_key, array_agg(id), array_agg(y) FROM (
                SELECT id, name_key, COALESCE(EXTRACT(YEAR FROM date_of_birth)::int, birth_year) AS y
                FROM refugees_refugee WHERE anonymised_at IS NULL AND name_key <> ''
            ) r WHERE y = ANY(%s) GROUP BY name_key
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [sorted(years)])
            for key, pks, ys in cursor.fetchall():
                people[key] = list(zip(pks, ys, strict=True))
    else:
        rows = (
            Refugee.objects.filter(anonymised_at__isnull=True)
            .annotate(year=Coalesce(ExtractYear("date_of_birth"), "birth_year", output_field=IntegerField()))
            .filter(year__in=years)
            .values_list("pk", "name_key", "year")
        )
        for pk, key, year in rows.iterator(chunk_size=10000):
            if key:
                people[key].append((pk, year))
    grams = {key: trigrams(key) for key in people}
    inverted: dict[str, list[str]] = defaultdict(list)
    for key, gs in grams.items():
        for g in gs:
            inverted[g].append(key)
    found: dict[int, list[int]] = {}
    for i, p in todo:
        matches: set[int] = set()
        for probe_key in {p.key, p.key_ar} - {""}:
            probe_grams = trigrams(probe_key)
            shared = Counter(key for g in probe_grams for key in inverted.get(g, ()))
            for key, n in shared.items():
                if n / (len(probe_grams) + len(grams[key]) - n) < NAME_SIMILARITY:
                    continue
                matches.update(pk for pk, year in people[key] if pk != p.exclude_pk and abs(year - p.birth_year) <= 1)
        if matches:
            found[i] = sorted(matches)
    return found


def probable_duplicates(probe: DuplicateProbe, *, confirmed: Iterable[int] = ()) -> list[Refugee]:
    ids = set(probable_duplicates_bulk([probe]).get(0, [])) - set(confirmed)
    return list(Refugee.objects.filter(pk__in=ids).select_related("office", "city").order_by("pk"))


_NUMBER_QUERY = re.compile(r"^[A-Z0-9]{3}-?\d[0-9A-Z-]*$")
_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]{4,}$")


def search_refugees(qs: QuerySet[Refugee], query: str) -> QuerySet[Refugee]:
    """Search by name (Latin or Arabic, normalised), UNHCR number or phone.

    The kind of query is recognised first so that each search uses one index
    (prefix on the numbers, trigram on phone, name_key and the Arabic names).
    """
    query = (query or "").replace("\x00", "").strip()[:200]
    if not query:
        return qs
    compact = re.sub(r"\s+", "", query).upper()
    if _NUMBER_QUERY.match(compact) and any(ch.isalpha() for ch in compact):
        if len(compact) > 3 and compact[3] != "-":
            compact = f"{compact[:3]}-{compact[3:]}"
        return qs.filter(Q(unhcr_individual_number__startswith=compact) | Q(unhcr_case_number__startswith=compact))
    if _PHONE_QUERY.match(query):
        phone = normalise_phone(query)
        digits = phone.removeprefix("+212") if phone.startswith("+212") else phone.lstrip("+")
        return qs.filter(phone__contains=digits)
    cond = Q()
    key = name_key(query)
    if key:
        cond |= Q(name_key__contains=key)
    if has_arabic(query):
        ar = normalise_arabic(query)
        cond |= Q(first_name_ar__contains=ar) | Q(last_name_ar__contains=ar)  # no case in Arabic: LIKE uses the index
    if not cond:
        return qs.none()
    return qs.filter(cond)
