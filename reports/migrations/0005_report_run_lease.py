from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_facts_financing_and_ledger_place"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrun",
            name="task_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="task"),
        ),
        migrations.AddField(
            model_name="reportrun",
            name="lease_owner",
            field=models.CharField(blank=True, max_length=200, verbose_name="built by"),
        ),
        migrations.AddField(
            model_name="reportrun",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="lease expires at"),
        ),
        migrations.AddIndex(
            model_name="reportrun",
            index=models.Index(fields=["status", "lease_expires_at"], name="report_run_lease"),
        ),
    ]
