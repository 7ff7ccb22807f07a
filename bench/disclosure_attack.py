"""The disclosure attack harness at scale: on the current database (the benchmark dataset,
`bench/reports_dataset.py`, or the demo), build every partner's publication for a year and
attack each protected cell of the people indicators with the harness's adversary (linear
programming over atoms). Prints, per partner, the build time, the cells attacked and
recovered; exits 1 if any cell is recovered.

    SANAD_ENV=development DATABASE_URL=postgres://... python bench/disclosure_attack.py 2019
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import datetime  # noqa: E402

from core.models import PartnerOrganisation  # noqa: E402
from reports.disclosure.partners import publication_for  # noqa: E402
from tests.reports.disclosure_adversary import attack  # noqa: E402


def main(year: int) -> int:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    total_attacked = total_recovered = 0
    for code in ("ministry", "unhcr", "anapec", "eu"):
        partner = PartnerOrganisation.objects.get(code=code)
        t0 = time.perf_counter()
        pub = publication_for(partner, start, end)
        built = time.perf_counter() - t0
        for indicator in ("refugees_received", "refugees_in_financed_projects"):
            t1 = time.perf_counter()
            try:
                attacked, recovered = attack(pub, indicator)
            except LookupError:
                continue
            total_attacked += attacked
            total_recovered += len(recovered)
            print(
                f"{code:9} {indicator:30} publication {built:6.2f} s  attack {time.perf_counter() - t1:6.2f} s  "
                f"attacked {attacked:5}  recovered {len(recovered)}"
            )
    print(f"total: {total_attacked} protected cells attacked, {total_recovered} recovered")
    return 1 if total_recovered else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2019))
