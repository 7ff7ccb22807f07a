"""Each report's build time against its SQL floor: a hand-written set of PostgreSQL
statements computing the same numbers, which this benchmark checks are equal.

    DATABASE_URL=postgres://.../sanad_bench_x python bench/reports_floor.py \
        [--start 2024-01-01 --end 2024-12-31] [--repeat 3] [--old] [--only unhcr ...]
    DATABASE_URL=... python bench/reports_floor.py --dashboard unhcr 2025   # a dashboard's first load
    DATABASE_URL=... python bench/reports_floor.py --profile unhcr [--top 20]  # where a build's time goes

The build is ``build_report_bytes(..., fmt="xlsx")``: for a partner report, the partner's
whole protected publication (every cell of its dashboard, home panel and reports, the LP
audit) and the file; for the programme report, its exact figures and the file. ``--old``
also times each build with every figure computed on its own (``each_figure_on_its_own``:
the path before the shared sub-results).

The floor (``floor``) is written by hand the way one would write it knowing the data: the
first standing payment per project and kind from the ledger once (per grant, one probe of
the index ``disbursement_standing_payment`` for its earliest payment not reversed in full), each project's place and
lead member once (temporary tables), then one statement per family with ``GROUPING SETS``
(every total and one-way margin of an indicator in one pass) and ``FILTER``, the latest
visit per project with ``DISTINCT ON`` feeding its five figures in one statement, the
survival counts of 6, 12 and 24 months in one statement, money per donor and quarter with
its slices in one. It covers the figures every partner publication is made of (the people
and project counts with their margins, the visits, survival and money) and checks every one
of them against the indicator registry; it does not cover the figures only some reports
have (applications, participants, cooperatives, spend per agreement), so the floor is lower
than the work a build really has to do: a ratio is an upper bound.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.db import connection  # noqa: E402

from reports.disclosure.figures import ExactFigures, quarter_label  # noqa: E402
from reports.indicators.sources import each_figure_on_its_own, shared_subresults  # noqa: E402
from reports.services import build_report_bytes  # noqa: E402

REPORTS = (("programme", None), ("unhcr", None), ("ministry", None), ("anapec", None), ("donor", "eu"))
DIMS = ("sex", "nationality", "legal_status", "office", "region", "city")
COUNTS = ("refugees_received", "refugees_in_financed_projects", "projects_financed", "startups_reinforced")
VISITS = ("jobs_refugee_women", "jobs_refugee_men", "jobs_moroccan_women", "jobs_moroccan_men")
MONEY_DIMS = (None, "office", "region", "sex", "nationality")

SETUP = """
CREATE TEMPORARY TABLE floor_first AS
SELECT g.project_id, g.kind, MIN(f.first) AS first
FROM funding_grant g CROSS JOIN LATERAL (
    SELECT d.date AS first FROM funding_disbursement d
    WHERE d.grant_id = g.id AND d.kind = 'payment' AND d.status = 'approved' AND NOT EXISTS (
        SELECT 1 FROM funding_disbursement r
        WHERE r.reverses_id = d.id AND r.kind = 'reversal' AND r.status = 'approved'
          AND r.amount >= d.amount AND r.date <= %(end)s)
    ORDER BY d.date LIMIT 1) f
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON floor_first (project_id, kind);
ANALYZE floor_first;
CREATE TEMPORARY TABLE floor_project AS
SELECT p.id, o.code AS office, rg.code AS region, c.slug AS city, r.sex, r.nationality, r.legal_status,
       EXISTS (SELECT 1 FROM funding_grantfunding gf JOIN funding_grant g ON g.id = gf.grant_id
               JOIN funding_fundingagreement ag ON ag.id = gf.agreement_id
               JOIN core_partnerorganisation po ON po.id = ag.donor_id
               WHERE g.project_id = p.id AND po.code = %(donor)s) AS of_donor
FROM projects_businessproject p
LEFT JOIN core_office o ON o.id = p.office_id LEFT JOIN core_region rg ON rg.id = p.region_id
LEFT JOIN core_city c ON c.id = p.city_id
LEFT JOIN projects_projectmember m ON m.project_id = p.id AND m.is_lead
LEFT JOIN refugees_refugee r ON r.id = m.refugee_id;
CREATE UNIQUE INDEX ON floor_project (id);
ANALYZE floor_project;
"""

PEOPLE = """
SELECT GROUPING(r.sex, r.nationality, r.legal_status, o.code, rg.code, c.slug),
       r.sex, r.nationality, r.legal_status, o.code, rg.code, c.slug, COUNT(*)
FROM refugees_refugee r
LEFT JOIN core_office o ON o.id = r.office_id LEFT JOIN core_region rg ON rg.id = r.region_id
LEFT JOIN core_city c ON c.id = r.city_id
WHERE {where}
GROUP BY GROUPING SETS ((), (r.sex), (r.nationality), (r.legal_status), (o.code), (rg.code), (c.slug))
"""

PROJECTS = """
SELECT GROUPING(p.sex, p.nationality, p.legal_status, p.office, p.region, p.city),
       p.sex, p.nationality, p.legal_status, p.office, p.region, p.city, COUNT(*)
FROM floor_project p JOIN floor_first f ON f.project_id = p.id AND f.kind = %(kind)s
WHERE f.first BETWEEN %(start)s AND %(end)s {donor}
GROUP BY GROUPING SETS ((), (p.sex), (p.nationality), (p.legal_status), (p.office), (p.region), (p.city))
"""

LATEST = """
WITH latest AS (
    SELECT DISTINCT ON (v.project_id) v.*
    FROM funding_followupvisit v
    JOIN floor_first f ON f.project_id = v.project_id AND f.kind = 'startup' AND f.first BETWEEN %(start)s AND %(end)s
    JOIN floor_project p ON p.id = v.project_id
    WHERE v.status = 'done' AND v.done_on <= %(end)s {donor}
    ORDER BY v.project_id, v.done_on DESC, v.id DESC)
SELECT COALESCE(SUM(jobs_refugee_women), 0), COALESCE(SUM(jobs_refugee_men), 0),
       COALESCE(SUM(jobs_moroccan_women), 0), COALESCE(SUM(jobs_moroccan_men), 0),
       AVG(monthly_revenue) FILTER (WHERE monthly_revenue IS NOT NULL)
FROM latest
"""

SURVIVAL = """
SELECT v.months_after_funding, COUNT(DISTINCT v.project_id),
       COUNT(DISTINCT v.project_id) FILTER (WHERE v.business_status = 'operating')
FROM funding_followupvisit v
JOIN floor_first f ON f.project_id = v.project_id AND f.kind = 'startup'
JOIN floor_project p ON p.id = v.project_id
WHERE v.status = 'done' AND v.done_on <= %(end)s AND v.months_after_funding IN (6, 12, 24)
  AND f.first <= CASE v.months_after_funding WHEN 6 THEN %(cut6)s WHEN 12 THEN %(cut12)s ELSE %(cut24)s END {donor}
GROUP BY 1
"""

MONEY = """
SELECT GROUPING(p.office, p.region, p.sex, p.nationality), date_trunc('quarter', d.date)::date, po.code,
       p.office, p.region, p.sex, p.nationality,
       SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END), COUNT(DISTINCT g.project_id)
FROM funding_disbursementallocation a
JOIN funding_disbursement d ON d.id = a.disbursement_id JOIN funding_grant g ON g.id = d.grant_id
JOIN funding_fundingagreement ag ON ag.id = a.agreement_id JOIN core_partnerorganisation po ON po.id = ag.donor_id
JOIN floor_project p ON p.id = g.project_id
WHERE d.status = 'approved' AND d.date BETWEEN %(start)s AND %(end)s {donor}
GROUP BY GROUPING SETS ((2, 3), (2, 3, p.office), (2, 3, p.region), (2, 3, p.sex), (2, 3, p.nationality))
"""


FINANCED_PEOPLE = """EXISTS (
    SELECT 1 FROM projects_projectmember m
    JOIN floor_first f ON f.project_id = m.project_id AND f.kind = 'startup' AND f.first BETWEEN %(start)s AND %(end)s
    JOIN floor_project p ON p.id = m.project_id WHERE m.refugee_id = r.id {donor})"""


def _key(value) -> str:
    return str(value or "unknown")


def _margins(rows) -> dict:
    """{None: total, dim: {key: count}} from a GROUPING SETS result over ``DIMS``."""
    out: dict = {None: 0, **{d: {} for d in DIMS}}
    for bits, *values, n in rows:
        if bits == (1 << len(DIMS)) - 1:
            out[None] = n
            continue
        i = next(i for i in range(len(DIMS)) if not bits & (1 << (len(DIMS) - 1 - i)))
        key = _key(values[i])
        out[DIMS[i]][key] = out[DIMS[i]].get(key, 0) + n
    return out


def floor(start, end, donor: str | None) -> dict:
    """Every number the floor covers, by hand-written SQL."""
    params = {"start": start, "end": end, "donor": donor or ""}
    params |= {f"cut{m}": end - relativedelta(months=m) for m in (6, 12, 24)}
    on_donor = "AND p.of_donor" if donor else ""
    out: dict = {}
    with connection.cursor() as cur:
        for sql in SETUP.split(";"):
            if sql.strip():
                cur.execute(sql, params)
        if not donor:
            cur.execute(PEOPLE.format(where="r.intake_date BETWEEN %(start)s AND %(end)s"), params)
            out["refugees_received"] = _margins(cur.fetchall())
        financed = FINANCED_PEOPLE.format(donor=on_donor)
        cur.execute(PEOPLE.format(where=financed), params)
        out["refugees_in_financed_projects"] = _margins(cur.fetchall())
        for code, kind in (("projects_financed", "startup"), ("startups_reinforced", "reinforcement")):
            cur.execute(PROJECTS.format(donor=on_donor), {**params, "kind": kind})
            out[code] = _margins(cur.fetchall())
        cur.execute(LATEST.format(donor=on_donor), params)
        *jobs, revenue = cur.fetchone()
        out |= dict(zip(VISITS, jobs, strict=True))
        out["average_monthly_revenue"] = Decimal(revenue or 0).quantize(Decimal("0.01"))
        cur.execute(SURVIVAL.format(donor=on_donor), params)
        survival = {m: (visited, operating) for m, visited, operating in cur.fetchall()}
        for m in (6, 12, 24):
            out[f"visited_{m}m"], out[f"operating_{m}m"] = survival.get(m, (0, 0))
        cur.execute(MONEY.format(donor="AND po.code = %(donor)s" if donor else ""), params)
        money: dict = {d: {} for d in MONEY_DIMS}
        for bits, quarter, donor_code, *slices, mad, n in cur.fetchall():
            dim = None if bits == 15 else MONEY_DIMS[1 + next(i for i in range(4) if not bits & (1 << (3 - i)))]
            k = None if dim is None else _key(slices[MONEY_DIMS.index(dim) - 1])
            key = (donor_code, quarter_label(quarter), k)
            before, count = money[dim].get(key, (Decimal(0), 0))
            money[dim][key] = (before + mad, count + n)
        out["money"] = money
        cur.execute("DROP TABLE floor_first; DROP TABLE floor_project")
    return out


def expected(start, end, donor: str | None, got: dict) -> dict:
    """The same numbers from the indicator registry (``ExactFigures``)."""
    exact = ExactFigures(start, end, {"donor": donor} if donor else {})
    out: dict = {}
    with shared_subresults():
        for code in COUNTS:
            if code in got:
                dims = {d: {k: int(v) for k, v in exact.margin(code, d).items()} for d in DIMS}
                out[code] = {None: int(exact.total(code)), **dims}
        for code in (
            *VISITS,
            "average_monthly_revenue",
            *(f"{k}_{m}m" for m in (6, 12, 24) for k in ("visited", "operating")),
        ):
            out[code] = exact.total(code)
        out["money"] = {d: exact.money(d) for d in MONEY_DIMS}
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def dashboard_first_load(code: str, year: int) -> None:
    """A partner dashboard's first load for one year: its publication computed the old way
    (every figure on its own) and the new way, the load with the cache emptied (the
    publication computed in the request), and the load after warming (what beat does)."""
    from django.core.cache import cache
    from django.utils import translation

    from core.models import PartnerOrganisation
    from reports.disclosure.calendar import Period
    from reports.disclosure.dashboard import cached_publication, partner_dashboard
    from reports.disclosure.partners import publication_for

    partner = PartnerOrganisation.objects.get(code=code)
    period = Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    translation.activate("en")
    publication_for(partner, period.start, period.end)  # the disclosure memory settled
    with each_figure_on_its_own():
        old = timed(lambda: publication_for(partner, period.start, period.end), 1)
    new = timed(lambda: publication_for(partner, period.start, period.end), 1)
    cache.clear()
    cold = timed(lambda: partner_dashboard(partner=partner, period=period), 1)
    cache.clear()
    cached_publication(partner, period.start, period.end)  # what beat does
    warm = timed(lambda: partner_dashboard(partner=partner, period=period), 1)
    print(
        f"{code} dashboard {year}: publication old path {old:.2f} s, shared path {new:.2f} s; "
        f"first load cold {cold:.2f} s, after warming {1000 * warm:.0f} ms"
    )


def profile(code: str, partner: str | None, start, end, top: int) -> None:
    """One build's time split: the report's data (its SQL statements, how many, and the LP
    audit of the protection) and the file; then its ``top`` statements by time."""
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    import reports.disclosure.publication as publication
    from reports.rendering import render
    from reports.services import build_report_data

    build_report_data(code=code, start=start, end=end, partner=partner)  # the disclosure memory settled
    audit = [0.0]
    protect = publication.protect

    def timed_protect(problem):
        t0 = time.perf_counter()
        try:
            return protect(problem)
        finally:
            audit[0] += time.perf_counter() - t0

    publication.protect = timed_protect
    try:
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            data = build_report_data(code=code, start=start, end=end, partner=partner)
            t1 = time.perf_counter()
            with translation.override(data.lang):
                render(data, "xlsx")
            t2 = time.perf_counter()
    finally:
        publication.protect = protect
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"{code}: data {t1 - t0:.2f} s (SQL {sql:.2f} s in {len(queries.captured_queries)} statements, "
        f"LP audit {audit[0]:.2f} s), xlsx {t2 - t1:.2f} s"
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:top]:
        print(f"{float(q['time']):7.3f}  {' '.join(q['sql'].split())[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", default="2024-01-01")
    parser.add_argument("--end", default="2024-12-31")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", action="store_true", help="also time each build with every figure on its own")
    parser.add_argument("--only", nargs="*", help="report codes")
    parser.add_argument(
        "--dashboard", nargs=2, metavar=("PARTNER", "YEAR"), help="time a partner dashboard's first load"
    )
    parser.add_argument("--profile", metavar="REPORT", help="split one build's time and list its statements")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    if args.profile:
        partner = dict(REPORTS)[args.profile]
        start, end = datetime.date.fromisoformat(args.start), datetime.date.fromisoformat(args.end)
        profile(args.profile, partner, start, end, args.top)
        return
    if args.dashboard:
        dashboard_first_load(args.dashboard[0], int(args.dashboard[1]))
        return
    start, end = datetime.date.fromisoformat(args.start), datetime.date.fromisoformat(args.end)
    print(f"period {start}..{end}; database {connection.settings_dict['NAME']}")
    head = f"{'report':<10} {'build (s)':>10} {'floor (s)':>10} {'ratio':>6}"
    print(head + (f" {'old build (s)':>14} {'old/new':>8}" if args.old else ""))
    for code, partner in REPORTS:
        if args.only and code not in args.only:
            continue
        donor = partner

        def build(code=code, partner=partner):
            return build_report_bytes(code=code, start=start, end=end, fmt="xlsx", partner=partner)

        got = floor(start, end, donor)
        want = expected(start, end, donor, got)
        assert got == want, {k: (got[k], want[k]) for k in want if got.get(k) != want[k]}
        build()  # warm up (and the partner's disclosure memory)
        build_s = timed(build, args.repeat)
        floor_s = timed(lambda donor=donor: floor(start, end, donor), args.repeat)
        line = f"{code:<10} {build_s:>10.2f} {floor_s:>10.2f} {build_s / floor_s:>6.2f}"
        if args.old:
            with each_figure_on_its_own():
                old_s = timed(build, 1)
            line += f" {old_s:>14.2f} {old_s / build_s:>8.2f}"
        print(line + "   (floor numbers equal)", flush=True)


if __name__ == "__main__":
    main()
