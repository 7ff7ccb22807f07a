"""The benchmark dataset for the reports app, generated with set-based SQL on PostgreSQL.

``seed_demo --scale N`` calls ``seed_at_scale(scale=N)``: N x 1,000 refugees in all (the
people the refugees app's own ``--scale`` seeding made count towards them), N x 400
projects (one lead member each, a start-up grant each and a reinforcement grant for 3 in
10), N x 10,000 approved disbursements with their allocations and N x 3,000 follow-up
visits. ``--scale 100`` gives the issue's 100,000 / 40,000 / 1,000,000 / 300,000.
Every row is made by ``INSERT ... SELECT generate_series``: no Python loop over rows.
Dates are 2021-2025, outside the historical story's period. Idempotent (a marker row).
The grants are charged to ``BEN-`` copies of the demo agreements (same donors, currencies
and rates, very large amounts) and each grant stays within its amount, because the database
refuses running totals beyond them; ``funding.totals.rebuild_totals()`` sets those totals.
"""

from django.db import connection, transaction

MARKER = "BNA-21C00000"


def seed_at_scale(*, scale: int, stdout=None) -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("the benchmark dataset needs PostgreSQL")
    from core.models import Office, User
    from funding.models import FundingAgreement
    from refugees.models import Refugee
    from refugees.names import search_key

    if Refugee.objects.filter(unhcr_individual_number=MARKER).exists():
        return
    offices = list(Office.objects.order_by("code").values_list("pk", "city_id", "city__region_id"))
    recorder = User.objects.get_or_create(username="bench.recorder")[0].pk
    approver = User.objects.get_or_create(username="bench.approver")[0].pk
    agreements = list(FundingAgreement.objects.order_by("reference").values_list("pk", flat=True))
    if not offices or not agreements:
        raise RuntimeError("run the core and reports demos first (offices, agreements)")
    params = {
        # N x 1,000 people in the registry in all: the refugees demo's synthetic people count.
        "n_ref": max(1, 1000 * scale - Refugee.objects.count()),
        "n_proj": 400 * scale,
        "n_disb": 10000 * scale,
        "n_visits": 3000 * scale,
        "office_ids": [o[0] for o in offices],
        "city_ids": [o[1] for o in offices],
        "region_ids": [o[2] for o in offices],
        "recorder": recorder,
        "approver": approver,
        "agreements": agreements,
        # The names are the same for every bench person but the number, which the key drops.
        "search_key": search_key("Bench", "Person"),
    }
    with transaction.atomic(), connection.cursor() as cur:
        for sql in STATEMENTS:
            cur.execute(sql, params)
        # The running totals of funding (grants, shares, agreements) from the ledger just inserted.
        from funding.totals import rebuild_totals

        rebuild_totals()
    # Raw SQL sends no signals: move the reports data version so cached dashboards are not
    # used (``reports.demo.seed`` then rebuilds the dashboard's derived facts).
    from reports.caching import bump_data_version

    bump_data_version()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh statistics for the planner after millions of rows
    if stdout is not None:
        stdout.write(f"reports: benchmark dataset at scale {scale} loaded")


STATEMENTS = [
    # refugees
    """
    INSERT INTO refugees_refugee (created_at, updated_at, unhcr_individual_number, unhcr_case_number,
        first_name_latin, last_name_latin, first_name_ar, last_name_ar, name_key, search_key, sex, date_of_birth,
        date_of_birth_estimated, nationality, legal_status, phone, languages, education_level,
        previous_occupation, skills, household_size, specific_needs, referral_source, intake_date, status,
        office_id, city_id, region_id)
    SELECT now(), now(), 'BN' || chr(65 + i / 100000) || '-21C' || lpad((i %% 100000)::text, 5, '0'), '',
        'Bench', 'Person ' || i, '', '', '', %(search_key)s, CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
        date '1970-01-01' + (i * 37 %% 14000), false,
        (ARRAY['SY','CF','YE','CI','CM','SD','CD','SS','PS','GN','SN','ML'])[1 + i %% 12],
        CASE WHEN i %% 5 = 0 THEN 'asylum_seeker' ELSE 'refugee' END, '', '[]', '', '', '', 1 + i %% 6, '[]',
        'unhcr', date '2021-01-01' + (i %% 1800), 'registered',
        (%(office_ids)s::bigint[])[1 + i %% 4], (%(city_ids)s::bigint[])[1 + i %% 4],
        (%(region_ids)s::bigint[])[1 + i %% 4]
    FROM generate_series(0, %(n_ref)s - 1) AS i
    """,
    # projects, each led by a distinct refugee who is in no other project
    """
    INSERT INTO projects_businessproject (created_at, updated_at, reference, title, activity, sector, legal_form,
        status, own_contribution, outcome, city_id, created_by_id, office_id, region_id)
    SELECT now(), now(), 'BEN-' || lpad(k::text, 7, '0'), 'Bench project', 'Grocery',
        (ARRAY['food','retail','textile','beauty','services'])[1 + k %% 5], 'individual', 'operating', 1000, '',
        (%(city_ids)s::bigint[])[1 + k %% 4], %(recorder)s, (%(office_ids)s::bigint[])[1 + k %% 4],
        (%(region_ids)s::bigint[])[1 + k %% 4]
    FROM generate_series(0, %(n_proj)s - 1) AS k
    """,
    """
    INSERT INTO projects_projectmember (is_lead, share_percent, is_active, joined_on, project_id, refugee_id)
    SELECT true, 100, false, current_date, p.id, r.id
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM projects_businessproject
          WHERE reference LIKE 'BEN-%%') p
    JOIN (SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM refugees_refugee r0
          WHERE NOT EXISTS (SELECT 1 FROM projects_projectmember m WHERE m.refugee_id = r0.id)) r ON r.n = p.n
    """,
    # benchmark agreements (one per demo agreement, same donor, currency and rates) large
    # enough for a million payments: the database refuses an agreement spent beyond its amount
    """
    INSERT INTO funding_fundingagreement (created_at, updated_at, donor_id, reference, title, currency, amount,
        start_date, end_date)
    SELECT now(), now(), donor_id, 'BEN-' || reference, 'Bench ' || title, currency, 99999999999999.00,
        start_date, end_date
    FROM funding_fundingagreement WHERE id = ANY(%(agreements)s::bigint[])
    """,
    """
    INSERT INTO funding_exchangerate (valid_from, mad_per_unit, agreement_id)
    SELECT r.valid_from, r.mad_per_unit, b.id
    FROM funding_exchangerate r JOIN funding_fundingagreement a ON a.id = r.agreement_id
    JOIN funding_fundingagreement b ON b.reference = 'BEN-' || a.reference
    WHERE a.id = ANY(%(agreements)s::bigint[])
    """,
    # grants: a start-up grant per project, a reinforcement grant for 3 in 10
    """
    INSERT INTO funding_grant (created_at, updated_at, kind, amount, awarded_on, notes, awarded_by_id, project_id)
    SELECT now(), now(), g.kind, CASE WHEN g.kind = 'startup' THEN 25000 ELSE 8000 END,
        date '2021-03-01' + (p.id * 7 %% 1500)::int + CASE WHEN g.kind = 'startup' THEN 0 ELSE 150 END, '',
        %(approver)s, p.id
    FROM projects_businessproject p
    CROSS JOIN (VALUES ('startup'), ('reinforcement')) AS g(kind)
    WHERE p.reference LIKE 'BEN-%%' AND (g.kind = 'startup' OR p.id %% 10 < 3)
    """,
    """
    INSERT INTO funding_grantfunding (amount, agreement_id, grant_id)
    SELECT g.amount, b.ids[1 + g.id %% cardinality(b.ids)], g.id
    FROM funding_grant g JOIN projects_businessproject p ON p.id = g.project_id,
        (SELECT array_agg(id ORDER BY reference) AS ids FROM funding_fundingagreement
         WHERE reference LIKE 'BEN-%%') b
    WHERE p.reference LIKE 'BEN-%%'
    """,
    # disbursements: spread over the grants, each on its own date
    """
    INSERT INTO funding_disbursement (kind, date, amount, method, supplier, reference, receipt, status, recorded_at,
        approved_at, idempotency_key, rejection_reason, recorded_by_id, approved_by_id, grant_id)
    SELECT 'payment', g.awarded_on + (d.rnd * 15)::int %% GREATEST(1, LEAST(700, current_date - g.awarded_on)),
        CASE WHEN g.kind = 'startup' THEN 500 ELSE 300 END,
        'bank_transfer', '', '', '', 'approved',
        now(), now(), 'bench-' || d.i, '', %(recorder)s, %(approver)s, g.id
    FROM (SELECT i, i %% (SELECT count(*) FROM funding_grant g JOIN projects_businessproject p
                          ON p.id = g.project_id WHERE p.reference LIKE 'BEN-%%') AS n,
                 i / (SELECT count(*) FROM funding_grant g JOIN projects_businessproject p
                      ON p.id = g.project_id WHERE p.reference LIKE 'BEN-%%') AS rnd
          FROM generate_series(0, %(n_disb)s - 1) AS i) d
    JOIN (SELECT g.id, g.awarded_on, g.kind, row_number() OVER (ORDER BY g.id) - 1 AS n
          FROM funding_grant g JOIN projects_businessproject p ON p.id = g.project_id
          WHERE p.reference LIKE 'BEN-%%') g ON g.n = d.n
    """,
    """
    INSERT INTO funding_disbursementallocation (amount_mad, amount_currency, rate, disbursement_id, agreement_id)
    SELECT d.amount, round(d.amount / 10.9, 2), 10.9, d.id, gf.agreement_id
    FROM funding_disbursement d JOIN funding_grantfunding gf ON gf.grant_id = d.grant_id
    WHERE d.idempotency_key LIKE 'bench-%%'
    """,
    # follow-up visits at 1, 3, 6, 12, 24 months: one in nine still scheduled, and so is every
    # one due after today (the service refuses a visit done in the future; payments too are
    # dated by today)
    """
    INSERT INTO funding_followupvisit (created_at, updated_at, months_after_funding, due_date, status, done_on, mode,
        business_status, monthly_revenue, jobs_refugee_women, jobs_refugee_men, jobs_moroccan_women,
        jobs_moroccan_men, observations, recommendations, verdict, project_id)
    SELECT now(), now(), x.months, x.due,
        CASE WHEN x.open THEN 'scheduled' ELSE 'done' END,
        CASE WHEN x.open THEN NULL ELSE x.due END,
        CASE WHEN x.open THEN '' ELSE 'on_site' END,
        CASE WHEN x.open THEN '' WHEN x.i %% 7 = 0 THEN 'closed' ELSE 'operating' END,
        3000 + x.i %% 5000, x.i %% 2, x.i %% 3, x.i %% 2, 0, '', '',
        CASE WHEN x.open THEN '' ELSE 'satisfactory' END, x.project_id
    FROM (SELECT v.i, m.months, p.id AS project_id, (p.pay + make_interval(months => m.months))::date AS due,
                 v.i %% 9 = 0 OR (p.pay + make_interval(months => m.months))::date > current_date AS open
    FROM (SELECT i, (i / 5) %% (SELECT count(*) FROM projects_businessproject WHERE reference LIKE 'BEN-%%') AS n
          FROM generate_series(0, %(n_visits)s - 1) AS i) v
    JOIN (SELECT id, date '2021-03-01' + (id * 7 %% 1500)::int AS pay, row_number() OVER (ORDER BY id) - 1 AS n
          FROM projects_businessproject WHERE reference LIKE 'BEN-%%') p ON p.n = v.n
    JOIN (SELECT * FROM unnest(ARRAY[1, 3, 6, 12, 24]) WITH ORDINALITY AS t(months, o)) m ON m.o = 1 + v.i %% 5) x
    """,
]
