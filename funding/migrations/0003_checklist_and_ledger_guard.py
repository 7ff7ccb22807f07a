"""Seed the follow-up visit checklist, and (on PostgreSQL) a trigger that refuses to
change or delete a decided ledger entry even from raw SQL or a bulk update."""

from django.db import migrations

CHECKLIST = [
    ("signboard", "Enseigne visible", "اللافتة ظاهرة", "Signboard visible", 10),
    ("stock", "Stock présent", "المخزون متوفر", "Stock present", 20),
    ("equipment", "Équipement financé présent et utilisé", "المعدات الممولة موجودة ومستعملة", "Funded equipment present and in use", 30),
    ("accounts", "Comptabilité tenue (cahier de caisse)", "الحسابات ممسوكة (دفتر الصندوق)", "Accounts kept (cash book)", 40),
    ("premises", "Local en activité", "المحل مستغل", "Premises in use", 50),
    ("customers", "Clients présents lors de la visite", "زبناء حاضرون أثناء الزيارة", "Customers present during the visit", 60),
    ("papers", "Documents administratifs à jour", "الوثائق الإدارية محينة", "Administrative papers up to date", 70),
]

GUARD_SQL = """
CREATE OR REPLACE FUNCTION funding_disbursement_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'pending' THEN
      RAISE EXCEPTION 'ledger entry % is decided and cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'pending' AND (
       NEW.status IS DISTINCT FROM OLD.status OR NEW.amount IS DISTINCT FROM OLD.amount
       OR NEW.date IS DISTINCT FROM OLD.date OR NEW.grant_id IS DISTINCT FROM OLD.grant_id
       OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.reverses_id IS DISTINCT FROM OLD.reverses_id
       OR NEW.tranche_id IS DISTINCT FROM OLD.tranche_id) THEN
    RAISE EXCEPTION 'ledger entry % is decided and cannot be changed', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS funding_disbursement_guard ON funding_disbursement;
CREATE TRIGGER funding_disbursement_guard BEFORE UPDATE OR DELETE ON funding_disbursement
  FOR EACH ROW EXECUTE FUNCTION funding_disbursement_guard();
"""

UNGUARD_SQL = """
DROP TRIGGER IF EXISTS funding_disbursement_guard ON funding_disbursement;
DROP FUNCTION IF EXISTS funding_disbursement_guard();
"""


def seed_checklist(apps, schema_editor):
    item = apps.get_model("funding", "ChecklistItem")
    for code, fr, ar, en, order in CHECKLIST:
        item.objects.get_or_create(code=code, defaults={"label_fr": fr, "label_ar": ar, "label_en": en, "order": order})


def unseed_checklist(apps, schema_editor):
    apps.get_model("funding", "ChecklistItem").objects.filter(code__in=[c[0] for c in CHECKLIST]).delete()


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_SQL, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_ledger_rules")]

    operations = [
        migrations.RunPython(seed_checklist, unseed_checklist),
        migrations.RunPython(guard, unguard),
    ]
