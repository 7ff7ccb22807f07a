"""Reads of the refugee registry."""

import datetime
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.core.paginator import Page
from django.db import connection
from django.db.models import F, IntegerField, Q, QuerySet
from django.db.models.functions import Upper

from core.models import PartnerOrganisation
from core.pagination import CappedPaginator
from core.roles import is_manager
from refugees.access import refugees_visible_to, visible_ids
from refugees.filters import SORTS, RefugeeFilter, name_search_q
from refugees.models import Consent, DuplicateConfirmation, Refugee
from refugees.names import name_key, similarity, trigrams
from refugees.validators import unhcr_number_query

# pg_trgm similarity above which two normalised names are "similar".
NAME_SIMILARITY = 0.5
# From this many probes (an import), compare in Python after one query (see below).
BULK_IN_PYTHON_FROM = 20
# Pairs of keys whose shared trigrams are counted at once in the within-file check (its memory).
WITHIN_PAIRS = 100_000
# The list counts at most this many matches: an exact COUNT(*) over 100,000 rows costs more
# than the page itself, and nobody pages through 40 pages of a broad search (they refine it).
LIST_COUNT_CAP = 1_000
NAME_KEYS = SORTS["name"]


def refugees_sharing_with(partner: PartnerOrganisation) -> QuerySet[Refugee]:
    """People with an active (not withdrawn) consent to share identifiable data with ``partner``.

    Evaluated at query time: a withdrawal removes the person from the next export at once.
    """
    active = Consent.objects.filter(
        purpose=Consent.Purpose.SHARE_IDENTIFIABLE, partner=partner, withdrawn_on__isnull=True
    )
    return Refugee.objects.filter(pk__in=active.values("refugee_id"), anonymised_at__isnull=True)


@dataclass(frozen=True, slots=True)
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


class _KeyRows:
    """Name keys with a year of birth, as rows of trigram ids (compressed sparse rows, in
    compact arrays: 32-bit ids), each with a tag (a probe's index, a group, an offset)."""

    def __init__(self, ids: dict[str, int]):
        self.ids = ids  # trigram -> id, shared by the two sides compared
        self.tag, self.year = array("l"), array("l")
        self.ptr, self.grams = array("i", [0]), array("i")

    def add(self, tag: int, year: int, key: str, grams: list[int] | None = None) -> list[int]:
        """Adds a row (``grams``: the key's trigram ids if already known); returns them."""
        if grams is None:
            ids = self.ids
            grams = sorted([ids.setdefault(t, len(ids)) for t in trigrams(key)])
        self.tag.append(tag)
        self.year.append(year)
        self.grams.extend(grams)
        self.ptr.append(len(self.grams))
        return grams

    def __len__(self) -> int:
        return len(self.tag)


def _similar_pairs(probe: _KeyRows, stored: _KeyRows, *, pairs: int = WITHIN_PAIRS) -> Iterator[tuple[int, int]]:
    """(probe tag, stored tag) for each probe key and stored key born within a year of each
    other whose similarity is pg_trgm's ``similarity() >= NAME_SIMILARITY`` (shared
    trigrams over the trigrams of either, ``names.similarity``).

    The shared trigrams of every pair are counted at once by sparse products (the keys'
    trigram rows, one stored year against the probes of that year and the two next to it,
    about ``pairs`` pairs at a time: the memory is bounded); pairs sharing no trigram are
    never met, and only the similar pairs come back to Python."""
    import numpy as np
    from scipy import sparse

    if not len(probe) or not len(stored):
        return

    def matrix(side: _KeyRows):
        order = np.argsort(np.frombuffer(side.year, dtype=np.int_), kind="stable")
        ptr = np.frombuffer(side.ptr, dtype=np.intc)
        m = sparse.csr_matrix(
            (np.ones(len(side.grams), dtype=np.int16), np.frombuffer(side.grams, dtype=np.intc), ptr),
            shape=(len(side), len(side.ids)),
        )[order]  # in year order; 16-bit counts (a key has at most 500 trigrams)
        sizes = np.diff(ptr)[order]
        return m, sizes, np.frombuffer(side.year, dtype=np.int_)[order], np.frombuffer(side.tag, dtype=np.int_)[order]

    x, x_size, x_year, x_tag = matrix(stored)
    q, q_size, q_year, q_tag = matrix(probe)
    for year in np.unique(x_year).tolist():
        x_lo, x_hi = np.searchsorted(x_year, [year, year + 1]).tolist()
        q_first, q_end = np.searchsorted(q_year, [year - 1, year + 2]).tolist()
        stored_t = x[x_lo:x_hi].T.tocsr()
        step = max(1, pairs // (x_hi - x_lo))
        for q_lo in range(q_first, q_end, step):
            q_hi = min(q_lo + step, q_end)
            shared = (q[q_lo:q_hi] @ stored_t).tocoo()
            n = shared.data
            similar = n / (q_size[q_lo + shared.row] + x_size[x_lo + shared.col] - n) >= NAME_SIMILARITY
            yield from zip(
                q_tag[shared.row[similar] + q_lo].tolist(), x_tag[shared.col[similar] + x_lo].tolist(), strict=True
            )


def _probable_duplicates_in_python(todo: list[tuple[int, DuplicateProbe]]) -> dict[int, list[int]]:
    """The same test as pg_trgm's ``similarity()``, computed in Python over the people born
    in the probes' years.

    Used on SQLite, and on PostgreSQL for big batches (an import of thousands of rows): one
    query instead of one GIN index scan per row. It returns the distinct (name key, year of
    birth) of the people born in those years with their ids (streamed, kept as compact
    arrays), and the probes' keys are compared with those keys by ``_similar_pairs``.
    """
    from django.db.models.functions import Coalesce, ExtractYear

    years: set[int] = set()
    for _i, p in todo:
        years.update((p.birth_year - 1, p.birth_year, p.birth_year + 1))
    stored = _StoredPeople()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT name_key, y, array_agg(id ORDER BY id) FROM (
                        SELECT id, name_key, COALESCE(EXTRACT(YEAR FROM date_of_birth)::int, birth_year) AS y
                        FROM refugees_refugee WHERE anonymised_at IS NULL AND name_key <> ''
                    ) r WHERE y = ANY(%s) GROUP BY name_key, y""",
                [sorted(years)],
            )
            while rows := cursor.fetchmany(2000):
                for key, year, pks in rows:
                    stored.add(key, year, pks)
    else:
        grouped: dict[tuple[str, int], list[int]] = defaultdict(list)
        rows = (
            Refugee.objects.filter(anonymised_at__isnull=True)
            .annotate(year=Coalesce(ExtractYear("date_of_birth"), "birth_year", output_field=IntegerField()))
            .filter(year__in=years)
            .values_list("pk", "name_key", "year")
        )
        for pk, key, year in rows.iterator(chunk_size=10000):
            if key:
                grouped[(key, year)].append(pk)
        for (key, year), pks in grouped.items():
            stored.add(key, year, pks)
        del grouped
    return _matching_people(todo, stored)


class _StoredPeople:
    """The registry's distinct (name key, year of birth), each with its people's ids, in
    compact arrays (row ``r`` of ``rows`` is the people ``of(r)``)."""

    def __init__(self):
        self.rows = _KeyRows({})
        self.at, self.ids = array("l", [0]), array("q")

    def add(self, key: str, year: int, pks) -> None:
        self.rows.add(len(self.rows), year, key)
        self.ids.extend(pks)
        self.at.append(len(self.ids))

    def of(self, r: int):
        return self.ids[self.at[r] : self.at[r + 1]]


def _matching_people(todo: list[tuple[int, DuplicateProbe]], stored: _StoredPeople) -> dict[int, list[int]]:
    """For each probe (by index), the stored people it resembles, but itself."""
    probe = _KeyRows(stored.rows.ids)
    exclude: dict[int, int | None] = {}
    for i, p in todo:
        exclude[i] = p.exclude_pk
        for key in {p.key, p.key_ar} - {""}:
            probe.add(i, p.birth_year, key)
    matches: dict[int, set[int]] = defaultdict(set)
    for i, r in _similar_pairs(probe, stored.rows):
        matches[i].update(pk for pk in stored.of(r) if pk != exclude[i])
    return {i: sorted(pks) for i, pks in sorted(matches.items()) if pks}


def probable_duplicate_groups_within(
    probes: Sequence[DuplicateProbe], rows: Sequence[int] | None = None, *, pairs: int = WITHIN_PAIRS
) -> dict[int, set[int]]:
    """Which probes of one batch resemble each other, for *distinct* probes (an import
    file's rows grouped by name keys and year of birth: ``probes[g]`` stands for every row
    of group ``g``). Returns, for each probe, the probes whose rows its rows resemble
    (itself included when its own rows resemble each other).

    The rule is the registry's: born within a year and a similar name, where one row's
    Latin key (what would be stored) is compared with the other row's Latin and Arabic
    keys; symmetric. Every key of the batch meets the Latin keys of the years around its
    own at once (``_similar_pairs``: sparse products, bounded by ``pairs``); the cost grows
    with the distinct names and the pairs sharing a trigram, not with the square of the
    rows (1,000 rows of one name are one probe).

    ``rows``, if given, is how many rows each probe stands for: a probe of one row is then
    not listed as resembling itself (its row has no other row of its own to resemble), so
    the probes that resemble nothing are left out.
    """
    ids: dict[str, int] = {}
    stored, probe = _KeyRows(ids), _KeyRows(ids)
    for g, p in enumerate(probes):
        if not p.birth_year:
            continue
        if p.key:
            probe.add(g, p.birth_year, p.key, stored.add(g, p.birth_year, p.key))
        if p.key_ar and p.key_ar != p.key:
            probe.add(g, p.birth_year, p.key_ar)
    links: dict[int, set[int]] = defaultdict(set)
    for g, h in _similar_pairs(probe, stored, pairs=pairs):
        if g == h and rows is not None and rows[g] < 2:
            continue
        links[g].add(h)
        links[h].add(g)
    return dict(links)


def probable_duplicates_within(probes: Sequence[DuplicateProbe]) -> dict[int, list[int]]:
    """Rows of one batch (an import file) that resemble each other, by index: the rows
    grouped by their probe, then :func:`probable_duplicate_groups_within`. Symmetric: if
    row 3 resembles row 7, each lists the other. (The import keeps the groups and does not
    expand them: 1,000 rows of one name are a million pairs.)"""
    distinct: dict[DuplicateProbe, int] = {}
    rows_of: list[list[int]] = []
    for i, p in enumerate(probes):
        g = distinct.setdefault(DuplicateProbe(p.key, p.key_ar, p.birth_year), len(distinct))
        if g == len(rows_of):
            rows_of.append([])
        rows_of[g].append(i)
    links = probable_duplicate_groups_within(list(distinct), [len(r) for r in rows_of])
    found: dict[int, list[int]] = {}
    for g, others in links.items():
        lines = sorted(j for h in others for j in rows_of[h])
        for i in rows_of[g]:
            mine = [j for j in lines if j != i]
            if mine:
                found[i] = mine
    return dict(sorted(found.items()))


def probable_duplicates_changed_since(
    probes: Sequence[DuplicateProbe], since: datetime.datetime
) -> dict[int, list[int]]:
    """For each probe (by index), the people registered or changed since ``since`` who
    resemble it (the registry rule): what an import's confirmation re-checks, since its
    preview looked. Usually nobody changed: one query on ``updated_at``."""
    from django.db.models.functions import Coalesce, ExtractYear

    grouped: dict[tuple[str, int], list[int]] = defaultdict(list)
    rows = (
        Refugee.objects.filter(updated_at__gte=since, anonymised_at__isnull=True)
        .annotate(year=Coalesce(ExtractYear("date_of_birth"), "birth_year", output_field=IntegerField()))
        .exclude(name_key="")
        .values_list("pk", "name_key", "year")
    )
    for pk, key, year in rows.iterator(chunk_size=2000):
        if year is not None:
            grouped[(key, year)].append(pk)
    if not grouped:
        return {}  # the probes are not even read (a stored preview decodes them when read)
    todo = [(i, p) for i, p in enumerate(probes) if p.birth_year and (p.key or p.key_ar)]
    if not todo:
        return {}
    stored = _StoredPeople()
    for (key, year), pks in grouped.items():
        stored.add(key, year, pks)
    return _matching_people(todo, stored)


def probable_duplicates(probe: DuplicateProbe, *, confirmed: Iterable[int] = ()) -> list[Refugee]:
    ids = set(probable_duplicates_bulk([probe]).get(0, [])) - set(confirmed)
    return list(Refugee.objects.filter(pk__in=ids).select_related("office", "city").order_by("pk"))


def refugee_list_page(*, user, params, per_page: int) -> tuple[RefugeeFilter, Page]:
    """The list: the user's scope through the list's FilterSet (search, filters, sort), one page.

    The count is capped (``LIST_COUNT_CAP``). A search sorted by name uses that count, needed
    for the pages anyway, to choose its plan: few matches are fetched and sorted (walking the
    name index until 25 of them turn up is slow when they sort late, "Ngoma"); many (more than
    the cap, so at least 1 % of the people) walk the name index, where 25 matches come within
    a few thousand entries, instead of fetching and sorting every match ("mohamed").
    """
    qs = refugees_visible_to(user).select_related("office", "city")
    filterset = RefugeeFilter(params or None, queryset=qs, show_office=is_manager(user))
    result = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    sort = params.get("sort") or "name"
    if "sort" not in params:
        result = result.order_by(*NAME_KEYS)
    paginator = CappedPaginator(result, per_page, cap=LIST_COUNT_CAP)
    if params.get("q", "").strip() and sort in ("name", "-name"):
        desc = sort == "-name"
        if paginator.count < LIST_COUNT_CAP:
            keys = [Upper("last_name_latin"), Upper("first_name_latin"), F("pk")]
            result = result.order_by(*(k.desc() if desc else k.asc() for k in keys))
        else:
            result = result.order_by(*(f"-{k}" if desc else k for k in NAME_KEYS))
        paginator.object_list = result
    return filterset, paginator.get_page(params.get("page"))


# The probable duplicates a page names, the profile form's and the import preview's (the rest
# are counted): a common name has thousands of look-alikes in a big registry.
CANDIDATES_SHOWN = 12


def duplicate_candidates(user, *, data: dict, refugee: Refugee | None) -> list[dict]:
    """The registry's probable duplicates of a profile form's names and birth date (the
    pairs already confirmed different left out), each flagged whether ``user`` may open it."""
    probe = probe_for(
        first_name_latin=data.get("first_name_latin", ""),
        last_name_latin=data.get("last_name_latin", ""),
        first_name_ar=data.get("first_name_ar", ""),
        last_name_ar=data.get("last_name_ar", ""),
        date_of_birth=data.get("date_of_birth"),
        birth_year=data.get("birth_year"),
        exclude_pk=refugee.pk if refugee else None,
    )
    confirmed = (
        set(DuplicateConfirmation.objects.filter(refugee=refugee).values_list("other_id", flat=True))
        if refugee
        else set()
    )
    found = probable_duplicates(probe, confirmed=confirmed)
    visible = visible_ids(user, [c.pk for c in found])
    return [{"refugee": c, "visible": c.pk in visible} for c in found]


# A picker ranks at most this many matches (in name order) by similarity.
PICKER_CANDIDATES = 60


def people_matching(queryset: QuerySet[Refugee], query: str, *, limit: int = 20) -> list[Refugee]:
    """The people of ``queryset`` a picker offers for ``query``: the name search
    (``name_search_q``: every word, either script, particles and spellings aside) or the
    start of a UNHCR number, best first: trigram similarity of the query's key to the
    person's Latin and Arabic keys, computed in Python (``names.similarity``, pg_trgm's
    formula) so that PostgreSQL and SQLite rank alike. Two queries at most; none under
    two characters."""
    query = (query or "").replace("\x00", "").strip()[:200]
    if len(query) < 2:
        return []
    cond = name_search_q(query)
    for number in unhcr_number_query(query) or ():
        cond |= Q(unhcr_individual_number__startswith=number)
    found = list(queryset.filter(cond).order_by(*NAME_KEYS)[:PICKER_CANDIDATES])
    key = name_key(query)

    def score(person: Refugee) -> float:
        keys = (person.name_key, name_key(person.first_name_ar, person.last_name_ar))
        return max(similarity(key, k) for k in keys) if key else 0.0

    found.sort(key=lambda p: -score(p))
    return found[:limit]
