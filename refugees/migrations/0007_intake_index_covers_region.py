"""The intake date index carries the region and the id (``INCLUDE``), replacing the plain one.

Counting refugees received in a period by region then reads this 4 MB index alone
(index-only scan) instead of the 25 MB table, and so can the count of refugees in financed
projects by region, which needs each refugee's id and region (docs/reports.md, "Dashboard:
how it stays fast"). Every use of the old index (a range of intake dates) is served the same.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("refugees", "0006_fewer_duplicate_indexes_and_checks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="refugee",
            index=models.Index(fields=["intake_date"], include=("region", "id"), name="refugee_intake_region"),
        ),
        migrations.RemoveIndex(
            model_name="refugee",
            name="refugees_re_intake__af8105_idx",
        ),
    ]
