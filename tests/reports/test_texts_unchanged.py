"""The indicators' names and definitions, and every label of the partner reports, read the
same in English, French and Arabic as before they moved into the gettext catalogues
(``labels_before.json``, written by the code that typed the three languages in Python)."""

import datetime

import pytest

from tests.reports.labels import LANGS, indicator_texts, load_before, report_labels

START = datetime.date(2018, 2, 1)
END = datetime.date(2020, 1, 31)


def test_it_shows_every_indicator_name_and_definition_as_before():
    before = load_before()["indicators"]
    now = indicator_texts()
    assert list(now) == list(before)
    for code in before:
        for lang in LANGS:
            assert now[code][lang] == before[code][lang], (code, lang)


@pytest.mark.parametrize(
    "code, lang, name",
    [
        ("refugees_received", "ar", "اللاجئون المستقبَلون"),
        ("survival_rate_12m", "fr", "Taux de survie à 12 mois (%)"),
        ("visited_24m", "ar", "المقاولات التي زيرت بعد 24 شهراً"),
        ("jobs_moroccan_women", "en", "Jobs: Moroccan women"),
    ],
)
def test_it_pins_a_few_names(code, lang, name):
    from reports.indicators import registry

    assert registry[code].label(lang) == name


def test_it_labels_every_report_as_before(historical_demo):
    before = load_before()
    now = report_labels(START, END)
    assert list(now) == list(before["reports"])
    for key, langs in before["reports"].items():
        for lang in LANGS:
            shown, was = now[key][lang], langs[lang]
            codes = was["definitions"]
            texts = before["indicators"]
            assert shown["definitions"] == [[c, texts[c][lang]["name"], texts[c][lang]["definition"]] for c in codes]
            for part in ("title", "tables", "csv_period", "csv_last", "xlsx_sheets", "xlsx_definitions"):
                assert shown[part] == was[part], (key, lang, part)
