"""The dashboard's survival curve and "MAD per donor and quarter" apply every filter the
funnel applies (office, region, city, donor, and the lead member's sex, nationality,
legal status and age bracket), from the records and from the derived facts alike, and
the money series says how many projects make each amount. Hand-built data: the expected
figures are worked out here from the table below, not by the code under test."""

import datetime
from decimal import Decimal

import pytest

from core.models import City, PartnerOrganisation
from reports import selectors
from reports.facts import facts_current, facts_refresh
from tests.factories.core import OfficeFactory
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, pay, visit

pytestmark = pytest.mark.django_db
D = datetime.date
MANAGER = {"filters": {}, "suppressed": False, "donor": None}

# lead (sex, nationality, legal status, birth), city, office, donors, first payment, MAD,
# visits (months, status), extra ledger entries
PROJECTS = [
    ("F", "SY", "refugee", D(1990, 5, 1), "rabat", "rabat", ["eu"], D(2019, 2, 10), "10000",
     [(6, "operating"), (12, "closed")]),
    ("M", "CF", "asylum_seeker", D(1990, 5, 1), "oujda", "oujda", ["japan"], D(2019, 3, 5), "20000",
     [(6, "closed")]),
    ("F", "CF", "refugee", D(2004, 6, 1), "kenitra", "rabat", ["eu", "japan"], D(2019, 4, 20), "30000",
     [(6, "operating")]),
    ("M", "SY", "refugee", D(1950, 1, 1), "rabat", "rabat", ["eu"], D(2019, 5, 2), "40000",
     [(6, "operating"), (12, "operating")]),
    ("F", "SY", "asylum_seeker", D(1990, 5, 1), "oujda", "oujda", ["eu"], D(2019, 8, 15), "5000", []),
]  # fmt: skip
# project 4 also pays 1000 on 2019-09-01, reversed on 2019-09-10 (its net in Q3 stays 5000);
# a sixth project (M, SY, Rabat) pays 7000 on 2019-07-01, reversed on 2019-07-20: it makes
# no amount in Q3 (and is not financed).

FILTERS = [
    {},
    {"office": "rabat"},
    {"office": "oujda"},
    {"region": "MA-02"},
    {"city": "kenitra"},
    {"donor": "japan"},
    {"sex": "F"},
    {"sex": "M"},
    {"nationality": "CF"},
    {"legal_status": "asylum_seeker"},
    {"age": "60+"},
    {"age": "12-17"},
    {"sex": "F", "office": "rabat", "nationality": "SY"},
]
REGION = {"rabat": "MA-04", "kenitra": "MA-04", "oujda": "MA-02"}
END = D(2020, 12, 31)


def _bracket(born: datetime.date) -> str:
    age = END.year - born.year - ((END.month, END.day) < (born.month, born.day))
    return "60+" if age >= 60 else "18-59" if age >= 18 else "12-17" if age >= 12 else "5-11"


def _attributes(row) -> dict:
    sex, nationality, status, born, city, office, *_ = row
    return {
        "sex": sex,
        "nationality": nationality,
        "legal_status": status,
        "age": _bracket(born),
        "city": city,
        "region": REGION[city],
        "office": office,
    }


def _matches(attrs: dict, donors: list[str], filters: dict) -> bool:
    if "donor" in filters and filters["donor"] not in donors:
        return False
    return all(attrs[k] == v for k, v in filters.items() if k != "donor")


@pytest.fixture
def programme(db):
    agreements = {"eu": agreement("eu"), "japan": agreement("japan", currency="JPY", rate="0.090000")}
    OfficeFactory(code="oujda", city=City.objects.get(slug="oujda"))
    projects = []
    for sex, nationality, status, born, city, office, donors, day, amount, visits in PROJECTS:
        lead = RefugeeFactory(sex=sex, nationality=nationality, legal_status=status, date_of_birth=born)
        city_row = City.objects.get(slug=city)
        project = financed_project(
            day,
            members=[lead],
            agreements=[agreements[d] for d in donors],
            amount=amount,
            city=city_row,
            region=city_row.region,
            office=OfficeFactory(code=office),
        )
        for n, (months, state) in enumerate(visits):
            visit(project, months, day + datetime.timedelta(days=30 * months + n), status=state)
        projects.append(project)
    grant = projects[4].grants.get()
    extra = pay(grant, D(2019, 9, 1), "1000", agreements=[agreements["eu"]])
    pay(grant, D(2019, 9, 10), "1000", agreements=[agreements["eu"]], kind="reversal", reverses=extra)
    sixth = financed_project(
        D(2019, 7, 1), members=[RefugeeFactory(sex="M")], agreements=[agreements["eu"]], amount="7000"
    )
    paid = sixth.grants.get().disbursements.get()
    pay(sixth.grants.get(), D(2019, 7, 20), "7000", agreements=[agreements["eu"]], kind="reversal", reverses=paid)
    return projects


def _expected_money(filters: dict) -> dict:
    acronym = {code: PartnerOrganisation.objects.get(code=code).acronym for code in ("eu", "japan")}
    cells: dict[tuple, Decimal] = {}
    units: dict[tuple, int] = {}
    for row in PROJECTS:
        donors, day, amount = row[6], row[7], Decimal(row[8])
        if not _matches(_attributes(row), donors, {k: v for k, v in filters.items() if k != "donor"}):
            continue
        for donor in donors:
            if filters.get("donor", donor) == donor:
                key = (f"{day.year}-Q{(day.month - 1) // 3 + 1}", acronym[donor])
                cells[key] = cells.get(key, Decimal(0)) + amount / len(donors)
                units[key] = units.get(key, 0) + 1
    sixth = {"sex": "M", "nationality": "SY", "legal_status": "refugee", "age": "18-59"}
    sixth |= {"city": "rabat", "region": "MA-04", "office": "rabat"}
    zero_cell = {("2019-Q3", acronym["eu"])} if _matches(sixth, ["eu"], filters) else set()
    quarters = sorted({q for q, _d in cells} | {q for q, _d in zero_cell})
    donors = sorted({d for _q, d in cells} | {d for _q, d in zero_cell})
    return {
        "quarters": quarters,
        "series": {
            d: (
                [cells.get((q, d), Decimal(0)).quantize(Decimal("0.01")) for q in quarters],
                [units.get((q, d), 0) for q in quarters],
            )
            for d in donors
        },
    }


def _expected_curve(filters: dict) -> list[dict]:
    times = []  # (month, event)
    for row in PROJECTS:
        visits = row[9]
        if visits and _matches(_attributes(row), row[6], filters):
            failed = [m for m, state in visits if state != "operating"]
            times.append((min(failed), True) if failed else (max(m for m, _s in visits), False))
    at_risk, survival = len(times), 1.0
    curve = [{"month": 0, "survival": 100.0, "at_risk": at_risk}]
    for month in sorted({m for m, _e in times}):
        events = sum(1 for m, e in times if m == month and e)
        survival *= 1 - events / at_risk
        curve.append({"month": month, "survival": round(100 * survival, 1), "at_risk": at_risk})
        at_risk -= sum(1 for m, _e in times if m == month)
    return curve


def _by_donor(series: dict) -> dict:
    return {
        "quarters": series["quarters"],
        "series": {s["donor"]: (s["values"], s["units"]) for s in series["series"]},
    }


@pytest.mark.parametrize("filters", FILTERS)
def test_the_survival_curve_applies_every_filter(programme, filters):
    expected = _expected_curve(filters)
    assert selectors.kaplan_meier(END, filters) == expected
    facts_refresh()
    assert selectors.kaplan_meier(END, filters, facts=facts_current()) == expected


@pytest.mark.parametrize("filters", FILTERS)
def test_the_money_series_applies_every_filter_and_counts_its_projects(programme, filters):
    expected = _expected_money(filters)
    start = D(2019, 1, 1)
    assert _by_donor(selectors.disbursements_by_donor(start, END, filters)) == expected
    facts_refresh()
    assert _by_donor(selectors.ledger_quarters_by_donor(start, END, filters)) == expected


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize(("start", "end"), [(D(2019, 1, 1), END), (D(2019, 2, 15), D(2019, 8, 20))])
def test_the_dashboard_gives_the_same_figures_from_the_facts_and_the_records(programme, filters, start, end):
    facts_refresh()
    fast = selectors.dashboard_compute(start=start, end=end, filters=filters, scope=MANAGER)
    slow = selectors._dashboard(start=start, end=end, filters=filters, scope=MANAGER, facts=None)
    assert fast == slow
    assert fast["survival"] == selectors.kaplan_meier(end, filters)


def test_a_quarter_whose_payment_was_reversed_in_it_counts_no_project(programme):
    data = _by_donor(selectors.disbursements_by_donor(D(2019, 7, 1), D(2019, 9, 30), {"office": "rabat"}))
    eu = PartnerOrganisation.objects.get(code="eu").acronym
    assert data == {"quarters": ["2019-Q3"], "series": {eu: ([Decimal("0.00")], [0])}}
