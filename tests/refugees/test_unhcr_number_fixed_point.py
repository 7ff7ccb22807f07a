"""A UNHCR number already in its one form is returned as it is without being worked over
(the import's common case): the full normalisation would return it unchanged too."""

from hypothesis import given, settings
from hypothesis import strategies as st

from refugees.validators import _CANONICAL, GROUP, INDIVIDUAL, _normalise, normalise_unhcr_number

LEGACY = st.from_regex(r"\A[A-Z0-9]{3}-[0-9]{2}[A-Z][0-9]{5}\Z")
INDIVIDUAL_V4 = st.from_regex(r"\A[0-9]{3}-[0-9]{9}\Z")
GROUP_V4 = st.from_regex(r"\A[0-9]{3}-[0-9]{2}-[0-9]{7}\Z")
NEAR = st.text("0123456789ABCZabc-  \n\u0661\u06f2/._", max_size=16)


@settings(max_examples=500, deadline=None)
@given(value=st.one_of(LEGACY, INDIVIDUAL_V4, GROUP_V4, NEAR), kind=st.sampled_from([INDIVIDUAL, GROUP]))
def test_the_shortcut_gives_what_the_normalisation_gives(value, kind):
    assert normalise_unhcr_number(value, kind) == _normalise(value, kind)
    if _CANONICAL.fullmatch(value):
        assert _normalise(value, kind) == value


def test_arabic_indic_digits_are_not_taken_for_the_one_form():
    assert normalise_unhcr_number("RAB-\u0661\u0668C01234") == "RAB-18C01234"
