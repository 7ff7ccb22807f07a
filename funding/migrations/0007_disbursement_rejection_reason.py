"""A rejected ledger entry says why (``rejection_reason``, required by a check).

Entries rejected before this kept their reason, if any, at the end of ``reference``
(after " · "): it is copied; an entry rejected without one gets a placeholder saying so.
"""

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Disbursement = apps.get_model("funding", "Disbursement")
    for entry in Disbursement.objects.filter(status="rejected", rejection_reason=""):
        reason = entry.reference.rsplit(" · ", 1)[-1] if entry.reference else ""
        Disbursement.objects.filter(pk=entry.pk).update(rejection_reason=reason or "(no reason recorded)")


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0006_grant_list_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='disbursement',
            name='rejection_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='reason for rejection'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='disbursement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('rejection_reason', ''), _negated=True), _connector='OR'), name='disbursement_rejected_with_reason'),
        ),
    ]
