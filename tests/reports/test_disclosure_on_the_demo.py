"""The disclosure attack harness on the demo's historical story: for every partner and
every complete year of the programme with figures, the adversary recovers no protected
cell of the people indicators, and no dashboard view carries a count from 1 to 4."""

from __future__ import annotations

import datetime

import pytest

from core.models import PartnerOrganisation
from reports.disclosure.calendar import Period
from reports.disclosure.dashboard import partner_dashboard
from reports.disclosure.partners import publication_for
from tests.reports.disclosure_adversary import attack

pytestmark = pytest.mark.django_db


def test_no_protected_cell_of_the_demo_is_recovered(historical_demo):
    attacked, recovered = 0, []
    for code in ("ministry", "unhcr", "anapec"):
        partner = PartnerOrganisation.objects.get(code=code)
        for year in (2018, 2019):
            pub = publication_for(partner, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            for indicator in ("refugees_received", "refugees_in_financed_projects"):
                n, found = attack(pub, indicator)
                attacked += n
                recovered += [(code, year, indicator, *f) for f in found]
    print(f"\ndisclosure attack harness on the demo: {attacked} protected cells attacked, {len(recovered)} recovered")
    assert attacked > 0
    assert recovered == []
    # and no dashboard view carries a count from 1 to 4 (one seeding of the demo for both)
    year = Period("year", datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    for partner in PartnerOrganisation.objects.all():
        for name, view in partner_dashboard(partner=partner, period=year)["views"].items():
            counts = [s["value"] for s in view["funnel"]]
            counts += [v for p in view["survival"] for v in (p["visited"], p["operating"])]
            if view["regions"]:
                counts += [v for r in view["regions"]["rows"] for v in r["values"]] + view["regions"]["totals"]
            assert not [v for v in counts if isinstance(v, int) and 0 < v < 5], (partner.code, name)
