"""Page crawler: every page each role reaches from its home page, timed, slowest first.

Usage (a database you may write to: the crawl enrols a TOTP device for the roles that owe
a second factor and, for ``admin+manager``, creates one user; never run it on a shared
database)::

    SANAD_ENV=development SANAD_MFA_ENFORCED=1 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_perf-pages \\
        .venv/bin/python bench/crawl.py [--roles caseworker,manager,...] [--depth 2] [--cap 150]

For each demo account of ``core.demo`` (one per role, plus ``admin+manager``: a user of the
admin role who is also a programme manager, the only one the Django admin shows case
records to), it signs in with Django's test client (``force_login``, then the second factor
through the real verify page with a code computed from the device's key when the site asks
for one), follows the same-site links of the home page to ``--depth`` (GET only; no logout,
no language switch, no file download; at most ``--per-route`` URLs of one route and query
shape, ``--cap`` pages a role), and for the admin accounts also opens every registered
admin's changelist, add form and the change form of its first row (outside the cap). Each page is fetched
twice: the first (cold: a dashboard computes, caches fill) and the better of the two are
printed with the query count and the HTML size, slowest first, then the pages over
``--threshold`` ms.

Times are the server's (the test client calls the WSGI handler in process: no network, no
gunicorn), on whatever else the machine is doing.
"""

import argparse
import contextlib
import logging
import os
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SANAD_ENV", "development")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.contrib import admin  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, resolve, reverse  # noqa: E402

SKIP_NAMES = {"logout", "set_language", "healthz", "readyz", "mfa_setup", "mfa_verify"}
SKIP_WORDS = ("download", "export", "/file", ".csv", ".xlsx", ".pdf", "photo", "receipt", "document")
ADMIN_MANAGER = "admin+manager"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class Visit:
    who: str
    url: str
    status: int
    cold_ms: float
    best_ms: float
    queries: int
    kb: float


def shape(url: str) -> str | None:
    """The route and query keys of a same-site URL worth crawling, or None."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if any(word in url.lower() for word in SKIP_WORDS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.url_name in SKIP_NAMES:
        return None
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{match.route}?{'&'.join(keys)}"


def fetch(client: Client, who: str, url: str) -> tuple[Visit, str]:
    timings = []
    for _n in range(2):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            streamed = hasattr(response, "streaming_content")
            body = b"".join(response.streaming_content) if streamed else response.content
            timings.append((time.perf_counter() - start) * 1000)
    html = body.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
    visit = Visit(who, url, response.status_code, timings[0], min(timings), len(queries), len(body) / 1024)
    return visit, html


def sign_in(who: str, user) -> Client:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    response = client.get("/")
    if response.status_code == 302 and "/two-step/" in response["Location"]:
        device, _created = TOTPDevice.objects.get_or_create(user=user, name="crawler", defaults={"confirmed": True})
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        while totp.t() <= device.last_t:  # a code is accepted once: wait for the next one
            time.sleep(1)
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        client.get(reverse("mfa_verify"))  # a second factor owed now asks for verification
        response = client.post(reverse("mfa_verify"), {"token": f"{totp.token():06d}", "next": "/"})
        if response.status_code != 302:
            sys.exit(f"{who}: the second factor was refused")
    return client


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first]))
    return urls


def crawl(who: str, user, *, depth: int, cap: int, per_route: int) -> list[Visit]:
    client = sign_in(who, user)
    seen_urls: set[str] = set()
    per_shape: dict[str, int] = {}
    visits: list[Visit] = []
    frontier, crawled = ["/"], 0
    if user.is_staff:  # every admin page of the registry, whatever the cap
        for url in admin_urls():
            seen_urls.add(url)
            visits.append(fetch(client, who, url)[0])
    for level in range(depth + 1):
        following = []
        for url in frontier:
            key = shape(url) if url != "/" else "/"
            if key is None or url in seen_urls or per_shape.get(key, 0) >= per_route or crawled >= cap:
                continue
            seen_urls.add(url)
            per_shape[key] = per_shape.get(key, 0) + 1
            crawled += 1
            visit, html = fetch(client, who, url)
            visits.append(visit)
            if html and level < depth and visit.status == 200:
                parser = Links()
                parser.feed(html)
                following += [h.split("#")[0] for h in parser.hrefs]
        frontier = following
    return visits


def accounts(names: list[str]):
    from django.contrib.auth.models import Group

    from core import demo
    from core.models import Office, User
    from core.roles import Role

    for spec in demo.DEMO_USERS:
        if spec.username in names:
            yield spec.username, User.objects.get(username=spec.username)
    if ADMIN_MANAGER in names:
        user, _created = User.objects.get_or_create(
            username="crawl.admin.manager",
            defaults={"is_staff": True, "office": Office.objects.filter(is_head_office=True).first()},
        )
        user.groups.add(*Group.objects.filter(name__in=[Role.ADMIN, Role.PROGRAMME_MANAGER]))
        yield ADMIN_MANAGER, user


def main() -> None:
    from core import demo

    logging.disable(logging.WARNING)  # the 403s expected of a crawl, the sign-ins

    default = ["caseworker", "manager", "committee.chair", "committee", "partner.unhcr", "partner.eu", "admin"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--roles", default=",".join([*default, ADMIN_MANAGER]), help="demo usernames, comma-separated")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--cap", type=int, default=150, help="pages per account at most")
    parser.add_argument("--per-route", type=int, default=2, help="URLs of one route and query shape at most")
    parser.add_argument("--threshold", type=float, default=300.0, help="ms")
    parser.add_argument("--top", type=int, default=40, help="rows of the slowest list")
    args = parser.parse_args()
    names = [n.strip() for n in args.roles.split(",") if n.strip()]
    unknown = set(names) - {u.username for u in demo.DEMO_USERS} - {ADMIN_MANAGER}
    if unknown:
        sys.exit(f"unknown accounts: {', '.join(sorted(unknown))}")

    visits: list[Visit] = []
    for who, user in accounts(names):
        start = time.perf_counter()
        found = crawl(who, user, depth=args.depth, cap=args.cap, per_route=args.per_route)
        visits += found
        print(f"{who}: {len(found)} pages in {time.perf_counter() - start:.1f} s", flush=True)

    visits.sort(key=lambda v: -v.best_ms)
    header = f"{'best ms':>8} {'cold ms':>8} {'queries':>7} {'KB':>7} {'status':>6}  {'account':<18} url"
    print(f"\nThe {min(args.top, len(visits))} slowest of {len(visits)} pages (best of two; cold: the first)")
    print(header)
    for v in visits[: args.top]:
        print(f"{v.best_ms:8.0f} {v.cold_ms:8.0f} {v.queries:7d} {v.kb:7.0f} {v.status:6d}  {v.who:<18} {v.url}")
    over = [v for v in visits if v.best_ms > args.threshold]
    print(f"\nOver {args.threshold:.0f} ms: {len(over)}")
    for v in over:
        print(f"{v.best_ms:8.0f} {v.cold_ms:8.0f} {v.queries:7d} {v.kb:7.0f} {v.status:6d}  {v.who:<18} {v.url}")
    cold = sorted((v for v in visits if v.cold_ms > args.threshold >= v.best_ms), key=lambda v: -v.cold_ms)
    print(f"\nOver {args.threshold:.0f} ms on the first fetch only (a cache filled, a dashboard computed): {len(cold)}")
    for v in cold:
        print(f"{v.best_ms:8.0f} {v.cold_ms:8.0f} {v.queries:7d} {v.kb:7.0f} {v.status:6d}  {v.who:<18} {v.url}")
    errors = [v for v in visits if v.status >= 500]
    if errors:
        print(f"\nServer errors: {len(errors)}")
        for v in errors:
            print(f"  {v.who} {v.url}")


if __name__ == "__main__":
    main()
