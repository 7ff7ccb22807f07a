"""Recompute the ledger's running totals from the ledger itself, with one UPDATE per table.

``funding.services`` keeps the totals up to date entry by entry; this is for rows written
around the services with raw SQL or bulk inserts (the benchmark datasets, the reports
demo), and is the same SQL as migration 0004's backfill: correlated subqueries, so it runs
on PostgreSQL and on the embedded SQLite default alike. Every row is set, so the result
equals the ledger sum whatever the start.
"""

from django.db import connection, transaction

REBUILD_SQL = [
    """
    UPDATE funding_grant SET paid_mad = COALESCE((
        SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -d.amount ELSE d.amount END) FROM funding_disbursement d
        WHERE d.grant_id = funding_grant.id AND d.status = 'approved'), 0)
    """,
    """
    UPDATE funding_tranche SET paid_mad = COALESCE((
        SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -d.amount ELSE d.amount END) FROM funding_disbursement d
        WHERE d.tranche_id = funding_tranche.id AND d.status = 'approved'), 0)
    """,
    """
    UPDATE funding_grantfunding SET
        paid_mad = COALESCE((
            SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END)
            FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
            WHERE d.grant_id = funding_grantfunding.grant_id AND a.agreement_id = funding_grantfunding.agreement_id
              AND d.status = 'approved'), 0),
        paid_currency = COALESCE((
            SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_currency ELSE a.amount_currency END)
            FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
            WHERE d.grant_id = funding_grantfunding.grant_id AND a.agreement_id = funding_grantfunding.agreement_id
              AND d.status = 'approved'), 0)
    """,
    """
    UPDATE funding_fundingagreement SET
        spent_mad = COALESCE((
            SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END)
            FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
            WHERE a.agreement_id = funding_fundingagreement.id AND d.status = 'approved'), 0),
        spent_currency = COALESCE((
            SELECT SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_currency ELSE a.amount_currency END)
            FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
            WHERE a.agreement_id = funding_fundingagreement.id AND d.status = 'approved'), 0),
        committed_mad = COALESCE((
            SELECT SUM(gf.amount) FROM funding_grantfunding gf WHERE gf.agreement_id = funding_fundingagreement.id), 0)
    """,
]


@transaction.atomic
def rebuild_totals() -> None:
    """Set every running total to its ledger sum (the CHECK constraints still apply)."""
    with connection.cursor() as cursor:
        for sql in REBUILD_SQL:
            cursor.execute(sql)
