"""pg_trgm for duplicate detection and name search, on PostgreSQL only.

SQLite (used by some developers) has no extension: the selectors fall back to Python.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS refugees_refugee_name_key_trgm "
        "ON refugees_refugee USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS refugees_refugee_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("refugees", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
