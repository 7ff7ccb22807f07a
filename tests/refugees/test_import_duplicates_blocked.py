"""The within-file duplicate check is blocked by name key and year (not every pair of rows
compared) and finds exactly the pairs the pairwise rule finds; 1,000 rows of one name are
shown without a million lines."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugees.models import DuplicateConfirmation, Refugee
from refugees.names import name_key, similarity
from refugees.selectors import (
    NAME_SIMILARITY,
    _KeyRows,
    _similar_pairs,
    probable_duplicate_groups_within,
    probable_duplicates_within,
    probe_for,
)
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

FIRST = ["Mohammed", "Muhammad", "Mohamed", "Ahmad", "Ahmed", "Amina", "Amine", "Ali", "Alia", "Jean", ""]
LAST = ["Haddad", "Hadad", "Al Halabi", "Halabi", "Mbaye", "Mbay", "Khatib", "El Khatib", "Nasser"]
ARABIC = [("", ""), ("محمد", "حداد"), ("أحمد", "الحلبي"), ("علي", "خطيب"), ("", "ناصر")]

LETTERS = "abdehilmnorst "
person = st.tuples(
    st.sampled_from(FIRST),
    st.sampled_from(LAST),
    st.sampled_from(ARABIC),
    st.one_of(st.none(), st.integers(1985, 1990)),
)


def pairwise(probes) -> dict[int, list[int]]:
    """The rule, pair by pair (what the import did before): born within a year, and one
    row's Latin key similar to the other's Latin or Arabic key."""

    def resembles(a, b) -> bool:  # b's stored Latin key against a's keys
        return bool(b.key) and any(k and similarity(k, b.key) >= NAME_SIMILARITY for k in (a.key, a.key_ar))

    found: dict[int, list[int]] = {}
    for i, a in enumerate(probes):
        for j, b in enumerate(probes):
            if i == j or not a.birth_year or not b.birth_year or abs(a.birth_year - b.birth_year) > 1:
                continue
            if resembles(a, b) or resembles(b, a):
                found.setdefault(i, []).append(j)
    return found


@settings(max_examples=300, deadline=None)
@given(people=st.lists(person, max_size=14))
def test_the_blocked_check_finds_the_pairs_of_the_pairwise_rule(people):
    probes = [
        probe_for(first_name_latin=f, last_name_latin=la, first_name_ar=ar[0], last_name_ar=ar[1], birth_year=y)
        for f, la, ar, y in people
    ]
    assert probable_duplicates_within(probes) == pairwise(probes)
    # Counted one row at a time (the slices a big file is counted in), the links are the same.
    assert probable_duplicate_groups_within(probes, pairs=1) == probable_duplicate_groups_within(probes)


@settings(max_examples=300, deadline=None)
@given(stored=st.lists(st.text(LETTERS, max_size=12), max_size=12), probe=st.text(LETTERS, max_size=12))
def test_the_sparse_matcher_is_the_similarity(stored, probe):
    keys = sorted({name_key(k) for k in stored} - {""})
    probe = name_key(probe)
    if not probe:
        return
    expected = {k for k in keys if similarity(probe, k) >= NAME_SIMILARITY}
    rows = _KeyRows({})
    for tag, key in enumerate(keys):
        rows.add(tag, 1990, key)
    probes = _KeyRows(rows.ids)
    probes.add(0, 1990, probe)
    assert {keys[t] for _p, t in _similar_pairs(probes, rows)} == expected


HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,"
    "nationality,legal_status,referral_source,intake_date"
)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_many_rows_of_one_name_show_a_few_lines_each_and_confirm_every_pair(client_for, caseworker, private_root):
    row = "RAB-25C4{n:04d},Mohammed,Haddad,M,1988-01-{day:02d},SY,refugee,unhcr,2025-11-02"
    rows = [row.format(n=n, day=1 + n % 28) for n in range(30)]
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows)})
    flagged = preview.context["result"].flagged_rows
    assert len(flagged) == 30
    assert flagged[0].file_duplicate_lines == list(range(3, 32))
    assert flagged[5].file_duplicate_lines == [n for n in range(2, 32) if n != 7]
    page = preview.content.decode()
    assert page.count('data-file-line="') == 30 * 10
    assert "and 19 more lines of this file" in page
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    assert Refugee.objects.count() == 30
    assert DuplicateConfirmation.objects.count() == 30 * 29 // 2
    by_number = dict(Refugee.objects.values_list("unhcr_individual_number", "pk"))
    assert DuplicateConfirmation.objects.filter(
        refugee_id=by_number["RAB-25C40002"], other_id=by_number["RAB-25C40001"]
    ).exists()
    assert not DuplicateConfirmation.objects.filter(
        refugee_id=by_number["RAB-25C40001"], other_id=by_number["RAB-25C40002"]
    ).exists()  # once per pair, on the later row
