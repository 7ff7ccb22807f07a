"""The API at scale: an indicators call (a partner's token, the latest complete period:
cold, i.e. the publication built, then warm, i.e. cached under the data version) and a
100-row case list (a manager's and a caseworker's token). Prints the median of each.
Targets: indicators < 300 ms, 100-row list < 100 ms. Writes a token and view-log rows:
run it on a copy of the benchmark database, never on ``sanad_bench``.

    SANAD_ENV=development DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_api \\
        python manage.py migrate && python bench/api_bench.py [lists]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from core.models import User  # noqa: E402
from core.roles import Role  # noqa: E402
from tests.factories.api import make_token  # noqa: E402

RUNS = 7


def _time(client, url, params=None, runs=RUNS) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url, params or {})
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(times), len(response.json().get("results", [])) if isinstance(response.json(), dict) else 0


def _client(header) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def main() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM refugees_refugee")
        people = cur.fetchone()[0]
    print(f"database {connection.settings_dict['NAME']}: {people} refugees")
    manager = User.objects.filter(groups__name=Role.PROGRAMME_MANAGER, is_active=True).first()
    caseworker = User.objects.filter(groups__name=Role.CASEWORKER, is_active=True, office__isnull=False).first()
    if "lists" in sys.argv[1:]:  # the case lists only (the indicators' cold build takes minutes at scale)
        return _lists(manager, caseworker)
    partner = _client(make_token(partner="unhcr", created_by=manager)[1])
    t0 = time.perf_counter()
    response = partner.get("/api/v1/partner/indicators/")
    cold = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200, response.content[:300]
    warm, _n = _time(partner, "/api/v1/partner/indicators/")
    print(
        f"indicators (UNHCR, {response.json()['period']['key']}): cold {cold:.0f} ms (publication built), "
        f"warm {warm:.1f} ms median of {RUNS} (target < 300 ms)"
    )
    return _lists(manager, caseworker)


def _lists(manager, caseworker) -> int:
    for label, user in (("manager", manager), ("caseworker", caseworker)):
        client = _client(make_token(user=user, created_by=manager)[1])
        for url in ("/api/v1/refugees/", "/api/v1/projects/", "/api/v1/disbursements/", "/api/v1/visits/"):
            median, rows = _time(client, url, {"page_size": 100})
            print(f"{url} as {label}: {rows} rows, {median:.1f} ms median of {RUNS} (target < 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
