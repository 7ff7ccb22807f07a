"""``Refugee.search_key``: the name search's stored form of every name (refugees.names.search_key).

Filled for every existing person here (the services keep it up to date from then on); on
PostgreSQL a trigram GIN index serves its ``LIKE '% word%'`` look-ups.
"""

from django.db import migrations, models

from refugees.names import search_key


def backfill(apps, schema_editor):
    Refugee = apps.get_model("refugees", "Refugee")
    batch = []
    for person in Refugee.objects.only(
        "pk", "first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar", "anonymised_at"
    ).iterator(chunk_size=2000):
        if person.anonymised_at is not None:
            continue
        person.search_key = search_key(
            person.first_name_latin, person.last_name_latin, person.first_name_ar, person.last_name_ar
        )
        batch.append(person)
        if len(batch) >= 2000:
            Refugee.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        Refugee.objects.bulk_update(batch, ["search_key"])


def index_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS refugees_refugee_search_key_trgm "
        "ON refugees_refugee USING gin (search_key gin_trgm_ops)"
    )


def index_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS refugees_refugee_search_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("refugees", "0009_view_log_what_and_page")]

    operations = [
        migrations.AddField(
            model_name="refugee",
            name="search_key",
            field=models.CharField(blank=True, editable=False, max_length=502),
        ),
        migrations.AddField(
            model_name="historicalrefugee",
            name="search_key",
            field=models.CharField(blank=True, editable=False, max_length=502),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(index_forwards, index_backwards, elidable=False),
    ]
