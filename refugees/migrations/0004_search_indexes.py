"""PostgreSQL-only search indexes: trigram on Arabic names and phone, prefix on UNHCR numbers."""

from django.db import migrations

INDEXES = [
    ("refugees_refugee_first_ar_trgm", "USING gin (first_name_ar gin_trgm_ops)"),
    ("refugees_refugee_last_ar_trgm", "USING gin (last_name_ar gin_trgm_ops)"),
    ("refugees_refugee_phone_trgm", "USING gin (phone gin_trgm_ops)"),
    ("refugees_refugee_unhcr_prefix", "(unhcr_individual_number varchar_pattern_ops)"),
    ("refugees_refugee_case_prefix", "(unhcr_case_number varchar_pattern_ops)"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON refugees_refugee {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("refugees", "0003_list_order_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
