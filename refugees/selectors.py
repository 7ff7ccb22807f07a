"""Reads of the refugee registry."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from core.models import PartnerOrganisation
from refugees.models import Consent, Refugee
from refugees.names import has_arabic, name_key, normalise_arabic, similarity
from refugees.validators import normalise_phone, normalise_unhcr_number

# pg_trgm similarity above which two normalised names are "similar".
NAME_SIMILARITY = 0.5


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
    if connection.vendor == "postgresql":
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
    # Fallback (SQLite): prefilter by birth year in the database, compare names in Python.
    years = {p.birth_year for _i, p in todo}
    near = set()
    for y in years:
        near.update((y - 1, y, y + 1))
    rows = list(
        Refugee.objects.filter(anonymised_at__isnull=True)
        .filter(Q(birth_year__in=near) | Q(date_of_birth__year__in=near))
        .values_list("pk", "name_key", "birth_year", "date_of_birth")
    )
    for i, p in todo:
        for pk, key, year, dob in rows:
            year = dob.year if dob else year
            if pk == p.exclude_pk or year is None or abs(year - p.birth_year) > 1:
                continue
            if any(k and similarity(k, key) >= NAME_SIMILARITY for k in (p.key, p.key_ar)):
                found.setdefault(i, []).append(pk)
    return found


def probable_duplicates(probe: DuplicateProbe, *, confirmed: Iterable[int] = ()) -> list[Refugee]:
    ids = set(probable_duplicates_bulk([probe]).get(0, [])) - set(confirmed)
    return list(Refugee.objects.filter(pk__in=ids).select_related("office", "city").order_by("pk"))


def search_refugees(qs: QuerySet[Refugee], query: str) -> QuerySet[Refugee]:
    """Search by name (Latin or Arabic, normalised), UNHCR number or phone."""
    query = (query or "").replace("\x00", "").strip()[:200]
    if not query:
        return qs
    cond = Q()
    number = normalise_unhcr_number(query)
    if any(ch.isdigit() for ch in query):
        cond |= Q(unhcr_individual_number__startswith=number) | Q(unhcr_case_number__istartswith=number)
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 4:
            phone = normalise_phone(query)
            cond |= Q(phone__contains=phone.lstrip("+").removeprefix("212") if phone.startswith("+212") else digits)
    key = name_key(query)
    if key:
        cond |= Q(name_key__contains=key)
    if has_arabic(query):
        ar = normalise_arabic(query)
        cond |= Q(first_name_ar__icontains=ar) | Q(last_name_ar__icontains=ar)
    if not cond:
        return qs.none()
    return qs.filter(cond)
