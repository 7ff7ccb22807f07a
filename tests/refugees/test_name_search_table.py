"""The name search finds people by every kind of partial, particle-less and cross-script
query: a table of queries x the people they must (and must not) find, through the list
page a caseworker uses and through the member picker's selector.

The table runs on the database the suite runs on (PostgreSQL in `make test`); the same
module passes on SQLite, the embedded default of `make run`:
``DATABASE_URL=sqlite:////tmp/t.sqlite3 SANAD_ENV=test pytest -p no:xdist tests/refugees/test_name_search_table.py``.
"""

import pytest
from django.urls import reverse

from refugees.models import Refugee
from refugees.selectors import people_matching
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db

PEOPLE = {
    # key: (first Latin, last Latin, first Arabic, last Arabic)
    "ahmed": ("Ahmed", "Al Hamwi", "أحمد", "الحموي"),
    "mohamed": ("Mohamed", "Al-Hamwi", "محمد", "الحموي"),
    "fatima": ("Fatima", "Al-Halabi", "فاطمة", "الحلبي"),
    "khaled": ("Khaled", "Elkhatib", "خالد", "الخطيب"),
    "abdel": ("Abdelrahman", "Ben Youssef", "عبد الرحمن", "بن يوسف"),
    "ruth": ("Ruth", "Akol", "", ""),
    "jean": ("Jean-Pierre", "Ngoma", "", ""),
}

TABLE = [
    # query, who must be found (exactly)
    ("Ahmed", {"ahmed"}),  # a first name alone
    ("ruth", {"ruth"}),
    ("Hamwi", {"ahmed", "mohamed"}),  # a last name alone, without its "Al-"
    ("Al-Hamwi", {"ahmed", "mohamed"}),  # with it
    ("al hamwi", {"ahmed", "mohamed"}),  # with it, spaced
    ("Alhamwi", {"ahmed", "mohamed"}),  # glued
    ("Halabi", {"fatima"}),
    ("Khatib", {"khaled"}),  # stored glued ("Elkhatib"), asked without
    ("El Khatib", {"khaled"}),
    ("Fatima Halabi", {"fatima"}),  # first + last
    ("Halabi Fatima", {"fatima"}),  # in any order
    ("Mohamed Hamwi", {"mohamed"}),
    ("Muhammad al-Hamwi", {"mohamed"}),  # another spelling of the first name
    ("Ham", {"ahmed", "mohamed"}),  # a prefix
    ("Fat", {"fatima"}),
    ("Abdel Rahman", {"abdel"}),  # a glued compound, asked spaced
    ("Abd al-Rahman", {"abdel"}),
    ("Rahman", {"abdel"}),
    ("Youssef", {"abdel"}),
    ("Yusuf", {"abdel"}),  # a spelling variant
    ("Ngoma", {"jean"}),
    ("Jean", {"jean"}),
    ("Pierre", {"jean"}),
    ("Akol Ruth", {"ruth"}),
    # Arabic script
    ("أحمد", {"ahmed"}),
    ("أحمد الحموي", {"ahmed"}),  # the full Arabic name ("Hamwi" stored, "hmoui" transliterated)
    ("محمد الحموي", {"mohamed"}),
    ("مُحمّد", {"mohamed"}),  # with diacritics
    ("الحموي", {"ahmed", "mohamed"}),
    ("حموي", {"ahmed", "mohamed"}),  # without the article
    ("فاطمه الحلبي", {"fatima"}),  # a ta marbuta written as ha
    ("الخطيب", {"khaled"}),
    ("عبد الرحمن", {"abdel"}),
    ("عبدالرحمن", {"abdel"}),
    # across scripts: an Arabic query for a Latin-only record, a Latin one for the Arabic
    ("روث", set()),  # nothing to meet: no false match either
    ("Hamoui", {"ahmed", "mohamed"}),  # a Latin query in another transliteration
    # misses
    ("Al", set()),  # a particle alone finds nobody, not everybody
    ("Zzyzx", set()),
]


@pytest.fixture
def people(office_rabat):
    out = {}
    for key, (first, last, first_ar, last_ar) in PEOPLE.items():
        out[key] = RefugeeFactory(
            office=office_rabat,
            first_name_latin=first,
            last_name_latin=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
        )
    return out


def _found(people, refugees) -> set[str]:
    by_pk = {p.pk: key for key, p in people.items()}
    return {by_pk[r.pk] for r in refugees}


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[q for q, _e in TABLE])
def test_it_finds_the_people_of_the_table_on_the_list_page(client_for, caseworker, people, query, expected):
    response = client_for(caseworker).get(reverse("refugees:list"), {"q": query})
    assert response.status_code == 200
    assert _found(people, response.context["page_obj"]) == expected


@pytest.mark.parametrize(("query", "expected"), [row for row in TABLE if len(row[0]) >= 2])
def test_it_finds_the_same_people_in_the_picker(people, query, expected):
    assert _found(people, people_matching(Refugee.objects.all(), query)) == expected


def test_the_picker_ranks_the_closest_name_first(office_rabat):
    # In name order "Bakr" comes first; by similarity to the query, "Hamwi" does.
    far = RefugeeFactory(office=office_rabat, first_name_latin="Hamza", last_name_latin="Bakr Hamwi")
    near = RefugeeFactory(office=office_rabat, first_name_latin="Ali", last_name_latin="Hamwi")
    assert [p.pk for p in people_matching(Refugee.objects.all(), "ali hamwi")] == [near.pk]
    assert [p.pk for p in people_matching(Refugee.objects.all(), "hamwi")] == [near.pk, far.pk]


def test_a_registered_person_is_found_at_once(client_for, caseworker, valid_post):
    response = client_for(caseworker).post(reverse("refugees:create"), valid_post)
    assert response.status_code == 302
    person = Refugee.objects.get(last_name_latin="Al Halabi")
    for query in ("Halabi", "محمد الحلبي", "Mohamed"):
        response = client_for(caseworker).get(reverse("refugees:list"), {"q": query})
        assert [r.pk for r in response.context["page_obj"]] == [person.pk]
