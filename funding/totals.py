"""Recompute the ledger's running totals from the ledger itself, with one UPDATE per table.

``funding.services`` keeps the totals up to date entry by entry; this is for rows written
around the services with raw SQL or bulk inserts (the benchmark datasets, the reports
demo), and is the same SQL as migration 0004's backfill. Totals of rows without approved
entries are reset to zero too, so the result equals the ledger sum whatever the start.
"""

from django.db import connection, transaction

REBUILD_SQL = [
    """
    UPDATE funding_grant g SET paid_mad = COALESCE(s.net, 0)
    FROM funding_grant x
    LEFT JOIN (SELECT d.grant_id,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -d.amount ELSE d.amount END) AS net
               FROM funding_disbursement d
               WHERE d.status = 'approved' GROUP BY d.grant_id) s ON s.grant_id = x.id
    WHERE x.id = g.id AND g.paid_mad IS DISTINCT FROM COALESCE(s.net, 0)
    """,
    """
    UPDATE funding_tranche t SET paid_mad = COALESCE(s.net, 0)
    FROM funding_tranche x
    LEFT JOIN (SELECT d.tranche_id,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -d.amount ELSE d.amount END) AS net
               FROM funding_disbursement d
               WHERE d.status = 'approved' AND d.tranche_id IS NOT NULL GROUP BY d.tranche_id) s
           ON s.tranche_id = x.id
    WHERE x.id = t.id AND t.paid_mad IS DISTINCT FROM COALESCE(s.net, 0)
    """,
    """
    UPDATE funding_grantfunding gf SET paid_mad = COALESCE(s.mad, 0), paid_currency = COALESCE(s.cur, 0)
    FROM funding_grantfunding x
    LEFT JOIN (SELECT d.grant_id, a.agreement_id,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END) AS mad,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_currency ELSE a.amount_currency END) AS cur
               FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
               WHERE d.status = 'approved' GROUP BY d.grant_id, a.agreement_id) s
           ON s.grant_id = x.grant_id AND s.agreement_id = x.agreement_id
    WHERE x.id = gf.id
      AND (gf.paid_mad, gf.paid_currency) IS DISTINCT FROM (COALESCE(s.mad, 0), COALESCE(s.cur, 0))
    """,
    """
    UPDATE funding_fundingagreement fa SET spent_mad = COALESCE(s.mad, 0), spent_currency = COALESCE(s.cur, 0),
           committed_mad = COALESCE(c.committed, 0)
    FROM funding_fundingagreement x
    LEFT JOIN (SELECT a.agreement_id,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END) AS mad,
                      SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_currency ELSE a.amount_currency END) AS cur
               FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
               WHERE d.status = 'approved' GROUP BY a.agreement_id) s ON s.agreement_id = x.id
    LEFT JOIN (SELECT agreement_id, SUM(amount) AS committed FROM funding_grantfunding GROUP BY agreement_id) c
           ON c.agreement_id = x.id
    WHERE x.id = fa.id
    """,
]


@transaction.atomic
def rebuild_totals() -> None:
    """Set every running total to its ledger sum (the CHECK constraints still apply)."""
    with connection.cursor() as cursor:
        for sql in REBUILD_SQL:
            cursor.execute(sql)
