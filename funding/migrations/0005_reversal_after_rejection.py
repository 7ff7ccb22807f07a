"""A rejected reversal no longer blocks a new one: ``reverses`` becomes a foreign key, with
a partial unique index allowing at most one reversal that is not rejected per payment."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_running_totals")]

    operations = [
        migrations.AlterField(
            model_name='disbursement',
            name='reverses',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversals', to='funding.disbursement', verbose_name='reverses'),
        ),
        migrations.AddConstraint(
            model_name='disbursement',
            constraint=models.UniqueConstraint(condition=models.Q(('reverses__isnull', False), models.Q(('status', 'rejected'), _negated=True)), fields=('reverses',), name='disbursement_one_live_reversal'),
        ),
    ]
