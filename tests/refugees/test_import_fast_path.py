"""The import's fast row check agrees with the row form: whenever it accepts a row, the form
accepts it with the same cleaned data (otherwise the form runs and gives its own errors)."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refugees.importing import COLUMNS, row_checkers, row_data

pytestmark = pytest.mark.django_db

GOOD = {
    "unhcr_individual_number": "RAB-25C10001",
    "unhcr_case_number": "",
    "first_name_latin": "Fatima",
    "last_name_latin": "Zahra",
    "first_name_ar": "فاطمة",
    "last_name_ar": "الزهراء",
    "sex": "F",
    "date_of_birth": "1992-03-04",
    "birth_year": "",
    "date_of_birth_estimated": "",
    "nationality": "SY",
    "legal_status": "refugee",
    "arrival_date": "",
    "city": "rabat",
    "phone": "0612345678",
    "languages": "ar,fr",
    "education_level": "secondary",
    "previous_occupation": "Baker",
    "skills": "",
    "household_size": "3",
    "specific_needs": "",
    "referral_source": "unhcr",
    "intake_date": "2025-11-02",
    "office": "rabat",
}
ODD = st.sampled_from(
    [
        "",
        " ",
        "x" * 101,
        "x" * 2001,
        "😀",
        '=HYPERLINK("x")',
        "-1",
        "0",
        "51",
        "3.0",
        "1850-01-01",
        "2999-12-31",
        "31/02/2020",
        "15/06/1985",
        "1985-6-15",
        "04/03/92",
        "1992",
        "1991",
        "1899",
        "RAB-18C0123",
        "rab 18c01234",
        "RAB-25C10001",
        "RAB-25C99999",
        "06 12 34 56 78",
        "+33612345678",
        "0812345678",
        "f",
        "M",
        "X",
        "asylum_seeker",
        "Refugee",
        "university",
        "sy",
        "ZZ",
        "Fès",
        "وجدة",
        "atlantis",
        "oujda",
        "casablanca",
        "ar,xx",
        "disability,single_parent",
        "محمد",
        "Jean-Pierre O'Neil",
        "oui",
        "2018-01-01",
        "2017-12-31",
        "2016-05-05",
    ]
)
ROWS = st.dictionaries(st.sampled_from(COLUMNS), st.one_of(ODD, st.text(max_size=30)), max_size=6)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def checkers(caseworker):
    from refugees.models import Refugee
    from tests.factories.refugees import RefugeeFactory

    RefugeeFactory(unhcr_individual_number="RAB-25C99999", office=caseworker.office)
    existing = set(Refugee.objects.values_list("unhcr_individual_number", flat=True))
    return row_checkers(user=caseworker, existing_numbers=existing)


def _check(checkers, overrides: dict) -> tuple[dict | None, bool, dict]:
    form, fast = checkers
    header = list(GOOD)
    _values, data = row_data(header, [overrides.get(k, v) for k, v in GOOD.items()])
    accepted = fast.clean(data)
    form.data, form._errors = data, None
    valid = form.is_valid()
    return accepted, valid, (form.profile_data() if valid else dict(form.errors))


def test_the_fast_path_takes_an_ordinary_row(checkers):
    accepted, valid, cleaned = _check(checkers, {})
    assert valid and accepted == cleaned
    accepted, valid, cleaned = _check(checkers, {"date_of_birth": "", "birth_year": "1990", "city": "", "office": ""})
    assert valid and accepted == cleaned


@FUZZ
@given(overrides=ROWS)
def test_whatever_the_fast_path_accepts_the_form_accepts_identically(checkers, overrides):
    accepted, valid, cleaned = _check(checkers, overrides)
    event("fast path: accepted" if accepted is not None else "fast path: left to the form")
    if accepted is not None:
        assert valid, cleaned
        assert accepted == cleaned


@pytest.mark.parametrize(
    ("column", "value"),
    [("unhcr_individual_number", "RAB-18C0123"), ("unhcr_case_number", "12"), ("phone", "12345")],
)
def test_the_import_checks_number_and_phone_formats_like_the_form(checkers, column, value):
    accepted, valid, errors = _check(checkers, {column: value})
    assert accepted is None and not valid
    assert column in errors


# Mostly valid values, in the spellings a spreadsheet has: most combinations are accepted by
# the fast path, so the comparison above is exercised on many accepted rows.
PLAUSIBLE = {
    "unhcr_individual_number": ["rab 25c10002", " RAB25C10003 ", "cas-25a00001", "RAB-25C99999"],
    "unhcr_case_number": ["", "RAB-25C10001", "rab25c10009", "R-1"],
    "first_name_latin": ["Jean-Pierre", "O'Neil", "Zoë", "Ali  Hassan", "Ab.d"],
    "last_name_latin": ["Mbaye", "Al Halabi", "Ngoma", "d'Almeida"],
    "first_name_ar": ["", "محمد", "عبد الله", "Ali"],
    "last_name_ar": ["", "الحلبي"],
    "sex": ["F", "M", "f", "male", "Femme"],
    "date_of_birth": ["", "1992-03-04", "04/03/1992", "1900-01-01", "1992-3-4"],
    "birth_year": ["", "1992", "1980", "1992.0"],
    "date_of_birth_estimated": ["", "oui", "x", "no", "نعم"],
    "nationality": ["SY", "sy", "CF", "ML"],
    "legal_status": ["refugee", "Asylum_Seeker"],
    "arrival_date": ["", "2016-09-01", "01/09/2016", "1899-01-01"],
    "city": ["", "rabat", "Fès", "وجدة", "Casablanca", " tanger "],
    "phone": ["", "06 12 34 56 78", "+212 5 37 00 00 00", "00212612345678", "+33612345678", "0412345678"],
    "languages": ["", "ar", "ar,fr", "ary, en", "ar,,fr"],
    "education_level": ["", "university", "NONE"],
    "previous_occupation": ["", "Baker", "x" * 200, "x" * 201],
    "skills": ["", "Pastry, sewing"],
    "household_size": ["1", "50", "", "7", "07"],
    "specific_needs": ["", "disability", "single_parent,woman_at_risk"],
    "referral_source": ["unhcr", "self", "ANAPEC"],
    "intake_date": ["2025-11-02", "01/01/2018", "2018-01-01", "2025-11-02 "],
    "office": ["", "rabat", "RABAT", "oujda"],
}


@FUZZ
@given(
    overrides=st.lists(st.sampled_from(list(PLAUSIBLE)), max_size=6, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: st.sampled_from(PLAUSIBLE[k]) for k in keys})
    )
)
def test_plausible_rows_agree_too(checkers, overrides):
    accepted, valid, cleaned = _check(checkers, overrides)
    event("fast path: accepted" if accepted is not None else "fast path: left to the form")
    if accepted is not None:
        assert valid, cleaned
        assert accepted == cleaned
