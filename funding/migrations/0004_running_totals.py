"""Running totals of the approved ledger (grant, tranche, grant share, agreement), kept by
funding.services under the row locks it already takes, with CHECK constraints that keep
each total within its amount. Existing rows are backfilled with one UPDATE per table
before the constraints are added (portable SQL: PostgreSQL and SQLite)."""

from decimal import Decimal

from django.db import migrations, models

# Approved payments count, approved reversals count negatively; pending and rejected not at all.
BACKFILL = [
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


class Migration(migrations.Migration):

    dependencies = [("funding", "0003_checklist_and_ledger_guard")]

    operations = [
        migrations.AddField(
            model_name='fundingagreement',
            name='committed_mad',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='committed to grants (MAD)'),
        ),
        migrations.AddField(
            model_name='fundingagreement',
            name='spent_currency',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=16, verbose_name='spent (agreement currency)'),
        ),
        migrations.AddField(
            model_name='fundingagreement',
            name='spent_mad',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='spent (MAD)'),
        ),
        migrations.AddField(
            model_name='grant',
            name='paid_mad',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='paid, net of reversals (MAD)'),
        ),
        migrations.AddField(
            model_name='grantfunding',
            name='paid_currency',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=16, verbose_name='paid (agreement currency)'),
        ),
        migrations.AddField(
            model_name='grantfunding',
            name='paid_mad',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='paid (MAD)'),
        ),
        migrations.AddField(
            model_name='tranche',
            name='paid_mad',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='paid, net of reversals (MAD)'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name='fundingagreement',
            constraint=models.CheckConstraint(condition=models.Q(('committed_mad__gte', 0), ('spent_currency__gte', 0), ('spent_currency__lte', models.F('amount')), ('spent_mad__gte', 0)), name='agreement_spent_within_amount'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(('paid_mad__gte', 0), ('paid_mad__lte', models.F('amount'))), name='grant_paid_within_amount'),
        ),
        migrations.AddConstraint(
            model_name='grantfunding',
            constraint=models.CheckConstraint(condition=models.Q(('paid_currency__gte', 0), ('paid_mad__gte', 0), ('paid_mad__lte', models.F('amount'))), name='grant_share_paid_within_amount'),
        ),
        migrations.AddConstraint(
            model_name='tranche',
            constraint=models.CheckConstraint(condition=models.Q(('paid_mad__gte', 0), ('paid_mad__lte', models.F('amount'))), name='tranche_paid_within_amount'),
        ),
    ]
