"""The catalogues follow docs/glossary.md: the committee has one Arabic name."""

from pathlib import Path

from django.conf import settings

RETIRED = ["لجنة الانتقاء", "لجنة الاختيار", "لجنة التحكيم"]


def test_the_committee_has_one_arabic_name():
    base = Path(settings.BASE_DIR)
    catalogues = [p for p in base.glob("**/locale/ar/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    assert catalogues
    for po in catalogues:
        text = po.read_text(encoding="utf-8")
        for name in RETIRED:
            assert name not in text, f"{po}: {name}"
    assert "لجنة المصادقة" in (base / "docs" / "glossary.md").read_text(encoding="utf-8")
