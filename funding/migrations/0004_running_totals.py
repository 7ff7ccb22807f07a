"""Running totals of the approved ledger (grant, tranche, grant share, agreement), kept by
funding.services under the row locks it already takes, with CHECK constraints that keep
each total within its amount. Existing rows are backfilled with one UPDATE per table
before the constraints are added."""

from decimal import Decimal

from django.db import migrations, models

# Approved payments count, approved reversals count negatively; pending and rejected not at all.
BACKFILL = [
    """
    UPDATE funding_grant g SET paid_mad = s.net
    FROM (SELECT grant_id, SUM(CASE WHEN kind = 'reversal' THEN -amount ELSE amount END) AS net
          FROM funding_disbursement WHERE status = 'approved' GROUP BY grant_id) s
    WHERE s.grant_id = g.id
    """,
    """
    UPDATE funding_tranche t SET paid_mad = s.net
    FROM (SELECT tranche_id, SUM(CASE WHEN kind = 'reversal' THEN -amount ELSE amount END) AS net
          FROM funding_disbursement WHERE status = 'approved' AND tranche_id IS NOT NULL GROUP BY tranche_id) s
    WHERE s.tranche_id = t.id
    """,
    """
    UPDATE funding_grantfunding gf SET paid_mad = s.mad, paid_currency = s.cur
    FROM (SELECT d.grant_id, a.agreement_id,
                 SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_mad ELSE a.amount_mad END) AS mad,
                 SUM(CASE WHEN d.kind = 'reversal' THEN -a.amount_currency ELSE a.amount_currency END) AS cur
          FROM funding_disbursementallocation a JOIN funding_disbursement d ON d.id = a.disbursement_id
          WHERE d.status = 'approved' GROUP BY d.grant_id, a.agreement_id) s
    WHERE s.grant_id = gf.grant_id AND s.agreement_id = gf.agreement_id
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
