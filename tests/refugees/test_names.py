"""Name normalisation: spelling variants, Arabic letter forms and transliteration."""

import pytest

from refugees.names import name_key, normalise_arabic, similarity, transliterate_arabic


@pytest.mark.parametrize("spelling", ["Mohammed", "Mohamed", "Muhammad", "Mohamad", "Mohammad", "MOHAMMED", "Mohamed"])
def test_it_collapses_mohammed_variants(spelling):
    assert name_key(spelling) == "mohamed"


@pytest.mark.parametrize("spelling", ["Abdel Rahman", "Abd el Rahman", "Abdul Rahman", "Abd al Rahman", "Abdelrahman"])
def test_it_collapses_abdel_variants(spelling):
    assert name_key(spelling) == "abd rahman"


def test_it_strips_latin_accents_and_case():
    assert name_key("Élodie", "NGOYÉ") == "elodie ngoye"


def test_it_removes_arabic_diacritics_and_tatweel():
    assert normalise_arabic("مُحَمَّـــد") == "محمد"


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آدم", "ادم"),
        ("ٱلله", "الله"),
        ("مؤمن", "مومن"),
        ("هانئ", "هاني"),
        ("فاطمة", "فاطمه"),
        ("ليلى", "ليلي"),
    ],
)
def test_it_unifies_alef_hamza_ta_marbuta_and_alef_maqsura(variant, plain):
    assert normalise_arabic(variant) == plain


def test_it_matches_an_arabic_name_with_its_latin_spelling():
    assert name_key("محمد", "علي") == name_key("Mohamed", "Ali") == "mohamed ali"
    assert name_key("عبد الرحمن") == name_key("Abdul Rahman")
    assert name_key("فاطمة") == name_key("Fatma")


def test_it_transliterates_unknown_arabic_names_simply():
    assert transliterate_arabic("كريم") == "karim"
    assert transliterate_arabic("سمير").startswith("s")


def test_it_ignores_symbols_emoji_and_null_bytes():
    assert name_key("Ali 😀", "x\x00y") == "ali x y"
    assert name_key("", "") == ""


def test_it_scores_similar_names_higher_than_different_ones():
    assert similarity("mohamed ali", "mohamed aly") > 0.5
    assert similarity("mohamed ali", "fatima zahra") < 0.2
