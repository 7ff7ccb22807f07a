"""The grant list's order (newest award first) as an index: a page is read from it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("funding", "0005_reversal_after_rejection")]

    operations = [
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(models.OrderBy(models.F('awarded_on'), descending=True), models.OrderBy(models.F('id'), descending=True), name='grant_list_order'),
        ),
    ]
