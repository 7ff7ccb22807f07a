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


# The other rows of docs/glossary.md: an entry whose English names the thing says it with
# the glossary's word (or its stem) in French and Arabic.
ROWS = [
    # (English pattern, French words, Arabic words)
    (r"\bcommittee\b", ["comité"], ["لجن"]),
    (r"\bsittings?\b", ["réunion"], ["اجتماع"]),
    (r"\bsessions?\b", ["séance"], ["جلس"]),
    (r"\bgrants?\b", ["subvention"], ["منح"]),
    (r"\btranches?\b", ["tranche"], ["دفع"]),
    (r"\breversals?\b", ["annulation", "contre-passation"], ["إلغاء", "عكسي"]),
    (r"\bfollow-up visits?\b", ["visite"], ["زيار"]),
    (r"\bconsents?\b", ["consentement"], ["موافق"]),
    (r"\bcaseworkers?\b", ["chargé"], ["المكلَّف", "المكلف", "مكلف", "مكلَّف"]),
    (r"\baction points?\b", ["action"], ["إجراء"]),
]
# Idioms, not the thing: "In session" is the status of an open sitting (منعقدة).
IDIOMS = {"In session"}


def test_the_catalogues_follow_every_row_of_the_glossary():
    import re

    import polib

    base = Path(settings.BASE_DIR)
    wrong = []
    for lang, column in (("fr", 1), ("ar", 2)):
        for po in base.glob(f"**/locale/{lang}/LC_MESSAGES/django.po"):
            if ".venv" in po.parts:
                continue
            for entry in polib.pofile(str(po)):
                if entry.obsolete or entry.msgid in IDIOMS:
                    continue
                texts = [entry.msgstr, *entry.msgstr_plural.values()]
                for row in ROWS:
                    if re.search(row[0], entry.msgid, re.IGNORECASE) and not any(
                        word.lower() in text.lower() for text in texts if text for word in row[column]
                    ):
                        wrong.append(f"{lang} {entry.msgid!r} => {entry.msgstr!r}")
    assert not wrong, "\n".join(wrong)
