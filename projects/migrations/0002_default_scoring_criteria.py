"""Seed the committee's default weighted scoring grid (editable in the admin)."""

from decimal import Decimal

from django.db import migrations

CRITERIA = [
    # code, French, Arabic, English, weight, order
    ("viability", "Viabilité économique", "الجدوى الاقتصادية", "Economic viability", Decimal("3"), 1),
    ("market", "Marché", "السوق", "Market", Decimal("2"), 2),
    (
        "motivation",
        "Motivation et expérience du porteur",
        "حافز صاحب المشروع وخبرته",
        "Applicant's motivation and experience",
        Decimal("2"),
        3,
    ),
    ("budget", "Réalisme du budget", "واقعية الميزانية", "Budget realism", Decimal("2"), 4),
    ("social_impact", "Impact social", "الأثر الاجتماعي", "Social impact", Decimal("1"), 5),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("projects", "ScoringCriterion")
    for code, fr, ar, en, weight, order in CRITERIA:
        Criterion.objects.get_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "name_en": en, "weight": weight, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("projects", "ScoringCriterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
