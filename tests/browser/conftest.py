"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's
live server (real PostgreSQL, the real app, static files served).

- ``browser``: one headless Chromium per session (``/usr/bin/chromium``, or
  ``SANAD_CHROMIUM``). Missing Chromium FAILS the tests with the fix to apply.
- ``page``: a fresh desktop context per test (1280x800), base URL = the live server.
- ``phone_page``: a 390x844 touch context (a caseworker's phone in the field).
- ``login``: ``login(page, user, lang)`` logs in through the login form.
- ``shot``: ``shot(page, "step")`` saves ``test-artifacts/screenshots/<test>/NN-step.png``.

Playwright's sync API runs an event loop in the test thread, and Django refuses sync
database calls from a thread with a running loop; the tests only use that loop to
talk to Chromium, so it is safe to lift Django's guard here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.browser import support

CHROMIUM = os.environ.get("SANAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 10_000
_screenshot_folders: list[Path] = []


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`apt-get install chromium`, done by .ci/run) or SANAD_CHROMIUM=/path/to/chromium. "
            "Do not run `playwright install`: no browser is downloaded.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with django_db_blocker.unblock():
        connections_before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        _keep_django_connections(connections_before)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _keep_django_connections(before: dict) -> None:
    """Keep using the same Django connections once Playwright's loop runs.

    Django keeps database connections per thread, but in a thread where an asyncio loop
    runs (Playwright's sync API starts one) it looks them up per context instead, and
    would open new ones. The new ones would miss what the test database setup left on
    the connection (the serialized reference data that transactional tests restore),
    so the tests would lose the regions, groups and partners after the first flush.
    """
    for alias, connection in before.items():
        connections[alias] = connection


@pytest.fixture
def browser_server(live_server, django_db_serialized_rollback):
    """The live server, with the reference data (regions, groups, partners) restored
    after this transactional test."""
    return live_server


def _new_page(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, locale="fr-FR", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, browser_server):
    context, page = _new_page(browser, browser_server.url, viewport={"width": 1280, "height": 800})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, browser_server):
    context, page = _new_page(
        browser,
        browser_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


@pytest.fixture
def login():
    return support.login


@pytest.fixture
def shot(request):
    shots = support.Screenshots.for_test(request.node.name)
    _screenshot_folders.append(shots.folder)
    print(f"\nscreenshots: {shots.folder}")
    return shots


def pytest_terminal_summary(terminalreporter):
    if _screenshot_folders:
        root = support.SCREENSHOTS
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(_screenshot_folders)} journeys saved screenshots under {root}/")
