"""The query helpers every indicator is built of: the dimension expressions of a person
and of a project (its lead member's), filters, and the grouped measure (one number, or a
dict per value of a dimension, unknown last).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

from core.agd import bracket_case
from core.models import City, Office, Region
from funding.models import GrantFunding
from projects.models import BusinessProject, ProjectMember
from reports.indicators.framework import UNKNOWN
from reports.indicators.sources import materialised, sharing


def outer(prefix: str) -> OuterRef:
    return OuterRef(prefix[:-2] if prefix else "pk")


def lead_value(prefix: str, attr: str) -> Subquery:
    """The lead member's ``attr`` for the project at ``prefix`` (a subquery)."""
    return Subquery(ProjectMember.objects.filter(project=outer(prefix), is_lead=True).values(f"refugee__{attr}")[:1])


def person_dims(end: datetime.date, prefix: str = "") -> dict[str, Any]:
    return {
        "sex": F(f"{prefix}sex"),
        "age": bracket_case(end, f"{prefix}date_of_birth"),
        "nationality": F(f"{prefix}nationality"),
        "legal_status": F(f"{prefix}legal_status"),
        "region": F(f"{prefix}region__code"),
        "city": F(f"{prefix}city__slug"),
        "office": F(f"{prefix}office__code"),
    }


def project_dims(end: datetime.date, prefix: str = "") -> dict[str, Any]:
    return {
        "sex": lead_value(prefix, "sex"),
        "age": bracket_case(end, "_lead_dob"),
        "nationality": lead_value(prefix, "nationality"),
        "legal_status": lead_value(prefix, "legal_status"),
        "region": F(f"{prefix}region__code"),
        "city": F(f"{prefix}city__slug"),
        "office": F(f"{prefix}office__code"),
    }


def donor_q(prefix: str, code: str) -> Q:
    """The project at ``prefix`` has a grant funded by donor ``code``."""
    return Q(
        Exists(GrantFunding.objects.filter(grant__project=outer(prefix), agreement__donor__code=code)),
    )


LEAD_ATTRIBUTES = ("sex", "nationality", "legal_status")


def lead_is(prefix: str, attr: str, value) -> Exists:
    """The project at ``prefix`` has a lead member whose ``attr`` is ``value``.

    The same projects as ``lead_value(prefix, attr) == value`` (a project has at most one lead:
    constraint ``one_lead_per_project``), planned as one semi-join instead of a subquery
    per project: projects financed by region for women, 40,000 projects, took 240 ms, most
    of it compiling the query (JIT, set off by the subqueries' estimated cost), now 40 ms."""
    return Exists(ProjectMember.objects.filter(project=outer(prefix), is_lead=True, **{f"refugee__{attr}": value}))


def apply_filters(qs: QuerySet, dims: dict, filters: dict, *, donor_prefix: str | None, needs_lead_dob: str | None):
    """``qs`` filtered by ``filters``. ``needs_lead_dob`` is the project's prefix when the
    person dimensions are its lead member's (None when they are the row's own)."""
    if needs_lead_dob is not None and ("age" in filters):
        qs = qs.annotate(_lead_dob=lead_value(needs_lead_dob, "date_of_birth"))
    for dim, value in filters.items():
        if dim == "donor":
            if donor_prefix is None:
                return qs.none()
            qs = qs.filter(donor_q(donor_prefix, value))
        elif needs_lead_dob is not None and dim in LEAD_ATTRIBUTES:
            qs = qs.filter(lead_is(needs_lead_dob, dim, value))
        else:
            qs = qs.annotate(**{f"_f_{dim}": dims[dim]}).filter(**{f"_f_{dim}": value})
    return qs


# Dimensions whose values are a reference table's unique natural key. They are grouped by
# the foreign key and each group is named from the table (a dozen rows), which spares
# joining every counted row to it: refugees received by region, 100,000 rows, 36 ms became
# 10 ms with the index-only scan this allows (see docs/reports.md).
NATURAL_KEYS = {"region": (Region, "code"), "office": (Office, "code"), "city": (City, "slug")}


def _group_key(dims: dict, by: str) -> tuple[Any, tuple | None]:
    """What to group by for dimension ``by``, and the (model, natural key) its values are
    ids of, if any."""
    key = dims[by]
    if by in NATURAL_KEYS and isinstance(key, F):
        model, attr = NATURAL_KEYS[by]
        if key.name.endswith(f"__{attr}"):
            return F(key.name.removesuffix(f"__{attr}")), (model, attr)
    return key, None


LEAD_DIMENSIONS = ("sex", "age", "nationality", "legal_status")


def by_dimension(qs: QuerySet, dims: dict, by: str, lead_prefix: str | None) -> tuple[QuerySet, Any]:
    """``qs`` ready to be grouped by dimension ``by``, and the expression to group by. A
    project's lead-member dimension is, by default, a subquery per row; inside
    ``shared_subresults()`` (a report build, a publication: many rows, every dimension) it
    is one outer join to the lead member (at most one per project: constraint
    ``one_lead_per_project``, so no row repeats and every figure is the same), which
    PostgreSQL runs as a hash join instead of an index probe per ledger row."""
    if lead_prefix is None or by not in LEAD_DIMENSIONS:
        return qs, dims[by]
    if not sharing():
        if by == "age":
            qs = qs.annotate(_lead_dob=lead_value(lead_prefix, "date_of_birth"))
        return qs, dims[by]
    if "_lead" not in qs.query.annotations and "_lead" not in qs.query._filtered_relations:
        members = f"{lead_prefix}members"
        qs = qs.annotate(_lead=FilteredRelation(members, condition=Q(**{f"{members}__is_lead": True})))
    if by == "age":
        return qs.annotate(_lead_dob=F("_lead__refugee__date_of_birth")), dims[by]
    return qs, F(f"_lead__refugee__{by}")


def grouped(qs: QuerySet, dims: dict, by: str | tuple[str, ...] | None, measure, *, lead_prefix: str | None = None):
    """``measure`` for the whole queryset, or a dict per value of dimension ``by`` (in the
    order of the values, unknown last), or with a tuple of dimensions a dict per tuple of
    their values (``grouped_by_several``)."""
    if by is None:
        value = qs.aggregate(v=measure)["v"]
        return 0 if value is None and isinstance(measure, Count) else value
    if isinstance(by, tuple):
        return grouped_by_several(qs, dims, by, measure, lead_prefix=lead_prefix)
    qs, key = by_dimension(qs, dims, by, lead_prefix)
    dims = {**dims, by: key}
    key, reference = _group_key(dims, by)
    if reference is None:
        rows = qs.annotate(_key=key).values("_key").annotate(v=measure)
    else:
        # Named in the same query, once per group (a subquery in the select list).
        model, attr = reference
        name = model.objects.filter(pk=OuterRef("_id")).order_by().values(attr)
        rows = qs.annotate(_id=key).values("_id").annotate(v=measure).annotate(_key=Subquery(name))
    out: dict[str, Any] = {}
    for row in rows.order_by("_key"):
        key = str(row["_key"] or UNKNOWN)
        out[key] = _add(out.get(key), row["v"])
    return out


def grouped_by_several(qs: QuerySet, dims: dict, by: tuple[str, ...], measure, *, lead_prefix: str | None = None):
    """``measure`` per combination of the values of the dimensions ``by``, in one grouped
    statement: ``{(value of by[0], value of by[1], ...): number}``, each value named as
    ``grouped`` names it (unknown for none). Only the combinations some row has are keys.
    For a measure that adds up over rows (a count of rows, a sum, a count of distinct
    projects whose dimensions are the project's), summing the values over every dimension
    but one gives that dimension's ``grouped`` dict: the figures read them that way
    (``reports.disclosure.figures.ExactFigures.plan``). The dimensions are grouped by their
    values (region, office and city by their natural key, joined), not by the row's foreign
    key: one statement with several dimensions cannot use the index-only scan anyway."""
    keys = {}
    for n, dim in enumerate(by):
        qs, key = by_dimension(qs, dims, dim, lead_prefix)
        keys[f"_k{n}"] = key
    rows = qs.annotate(**keys).values(*keys).annotate(v=measure).order_by()
    out: dict[tuple, Any] = {}
    for row in rows:
        key = tuple(str(row[k] or UNKNOWN) for k in keys)
        out[key] = _add(out.get(key), row["v"])
    return out


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def merge(a, b):
    if isinstance(a, dict):
        keys = set(a) | set(b)
        return {k: _add(a.get(k), b.get(k)) or 0 for k in sorted(keys)}
    return (a or 0) + (b or 0)


def project_count(qs, start, end, by, filters):
    dims = project_dims(end)
    qs = apply_filters(qs, dims, filters, donor_prefix="", needs_lead_dob="")
    if by is not None and sharing():
        return _counted_by_kept_dims(qs, end, by)
    # Plain COUNT: the subjects are filtered with EXISTS / IN and the dimensions are to-one,
    # so no row repeats (COUNT(DISTINCT) sorted 200,000 rows on disk at benchmark scale).
    # COUNT(*), not of a column: an index-only scan need not carry the id.
    return grouped(qs, dims, by, Count("*"), lead_prefix="")


PROJECT_DIMENSIONS = ("sex", "age", "nationality", "legal_status", "region", "city", "office")


def kept_project_dims(end: datetime.date) -> tuple[str, list[str]] | None:
    """Inside ``shared_subresults()``: every project's dimensions on ``end`` (``project_dims``:
    its lead member's sex, age bracket, nationality and legal status, its region, city and
    office, each by the value ``grouped`` names it with), one row per project, kept once
    per build: (table, quoted columns: the project's id, then ``PROJECT_DIMENSIONS``). None
    outside. A build counts projects by their dimensions a dozen times (financed,
    reinforced, visited and operating at 6, 12 and 24 months...): each count then reads
    this table instead of joining the projects to their lead members and the people."""
    if not sharing():
        return None
    # The same expressions a build groups by (``by_dimension``: the lead member joined once).
    projects, dims, values = BusinessProject.objects.all(), project_dims(end), {}
    for dim in PROJECT_DIMENSIONS:
        projects, values[f"dim_{dim}"] = by_dimension(projects, dims, dim, "")
    return materialised(("project_dims", end), projects.values("pk", **values), statistics=1)


def _project_ids(qs: QuerySet) -> tuple[str, list]:
    """The SQL of ``qs``'s project ids: the build's own subquery when ``qs`` only filters
    the projects by it (``pk__in`` a kept table: a financed or survival set), which spares
    PostgreSQL a semi-join through the projects table; else ``qs``'s ids."""
    where = qs.query.where
    if not where.negated and len(where.children) == 1:
        (lookup,) = where.children
        if (
            isinstance(lookup, In)
            and isinstance(lookup.rhs, RawSQL)
            and getattr(lookup.lhs, "target", None) is BusinessProject._meta.pk
        ):
            return lookup.rhs.sql, list(lookup.rhs.params)
    return qs.order_by().values("pk").query.sql_with_params()


def _counted_by_kept_dims(qs: QuerySet, end: datetime.date, by: str | tuple[str, ...]) -> dict:
    """``grouped(qs, project_dims(end), by, Count("*"), lead_prefix="")`` for a queryset of
    projects, counted on the build's table of the projects' dimensions (``kept_project_dims``):
    the same groups, named and (for one dimension) ordered the same way."""
    name, (pk, *columns) = kept_project_dims(end)
    column = dict(zip(PROJECT_DIMENSIONS, columns, strict=True))
    several = isinstance(by, tuple)
    keys = [column[d] for d in (by if several else (by,))]
    try:
        ids, params = _project_ids(qs)
    except EmptyResultSet:
        return {}
    listed = ", ".join(keys)
    order = "" if several else f" ORDER BY {keys[0]}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {listed}, COUNT(*) FROM {name} WHERE {pk} IN ({ids}) GROUP BY {listed}{order}",  # noqa: S608 (names made here)
            params,
        )
        rows = cursor.fetchall()
    out: dict = {}
    for *values, n in rows:
        key = tuple(str(v or UNKNOWN) for v in values) if several else str(values[0] or UNKNOWN)
        out[key] = out.get(key, 0) + n
    return out


def people_count(qs, start, end, by, filters, donor_prefix: str | None = None):
    dims = person_dims(end)
    qs = apply_filters(qs, dims, filters, donor_prefix=donor_prefix, needs_lead_dob=None)
    return grouped(qs, dims, by, Count("*"))  # no repeated rows, no column: see project_count
