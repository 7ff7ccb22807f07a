"""Whatever is posted to the project and committee forms, the answer is never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "-1", "11", "1e9", "NaN", "approved", "rejected", "returned", "draft", "٣"]),
)


def _form(draw_dict: dict) -> dict:
    return {k: v for k, v in draw_dict.items() if v is not None}


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(data=st.fixed_dictionaries(dict.fromkeys(("unhcr_number", "share_percent", "is_lead"), junk)))
def test_member_form(ready_draft, client_for, caseworker, data):
    response = client_for(caseworker).post(f"/projects/{ready_draft.pk}/members/", _form(data))
    assert response.status_code in (302, 400)


@FUZZ
@given(data=st.fixed_dictionaries(dict.fromkeys(("category", "description", "quantity", "unit_cost"), junk)))
def test_budget_form(ready_draft, client_for, caseworker, data):
    response = client_for(caseworker).post(f"/projects/{ready_draft.pk}/budget/", _form(data))
    assert response.status_code in (302, 400)


@FUZZ
@given(data=st.fixed_dictionaries(dict.fromkeys(("decision", "approved_amount", "conditions", "reason"), junk)))
def test_decision_form(item, chair, client_for, data):
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/decision/"
    response = client_for(chair).post(url, _form(data))
    assert response.status_code in (302, 400)


@FUZZ
@given(values=st.lists(junk, min_size=5, max_size=5))
def test_score_form(item, members, criteria, client_for, values):
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/score/"
    data = _form({f"c{c.pk}": v for c, v in zip(criteria, values, strict=True)})
    response = client_for(members[2]).post(url, data)
    assert response.status_code in (302, 400)


@FUZZ
@given(data=st.fixed_dictionaries(dict.fromkeys(("expected", "comment"), junk)))
def test_submit_form(ready_draft, client_for, caseworker, data):
    form = _form(data)
    response = client_for(caseworker).post(f"/projects/{ready_draft.pk}/submit/", form)
    # A NUL byte is refused before the view with a translated 400 (core.security.middleware);
    # anything else submits the ready draft (or says why not) and goes back to it.
    refused = any("\x00" in str(v) for v in form.values())
    assert response.status_code == (400 if refused else 302)
