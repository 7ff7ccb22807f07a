"""Shared fixtures: the personas every view test uses.

Three kinds of people per STYLE.md: the owner (a caseworker of the Rabat office), a
colleague with wider rights (the programme manager) and outsiders (a caseworker of
another office, a committee member, partner officers of two organisations and of a
donor, an admin).
"""

import os

import pytest

from core.roles import Role
from tests.factories.core import PASSWORD, OfficeFactory, make_user


def _redis_db_per_xdist_process() -> None:
    """Parallel test processes (pytest-xdist) each get their own Redis database, as they get
    their own PostgreSQL test database, so a real worker never takes another process's task.

    ``-n 2`` with ``CELERY_BROKER_URL=redis://.../5``: process gw0 uses db 4, gw1 db 3
    (``(base - 1 - n) % 16``). pytest-django has read the settings by the time this file is
    imported, so both are set: the setting (the tests flush and pass it to the real
    workers they start) and the environment variable, which Celery prefers to the setting.
    """
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = settings.CELERY_BROKER_URL
    if not worker.startswith("gw") or not url.startswith("redis://"):
        return
    base, _, db = url.rpartition("/")
    index = ((int(db) if db.isdigit() else 0) - 1 - int(worker[2:])) % 16
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = f"{base}/{index}"
    # The shared cache sits in the broker's database (config/settings.py, no CACHE_URL):
    # each process's in its own, with its own prefix (its clear() deletes only those keys).
    cache = settings.CACHES["default"]
    if cache.get("LOCATION", "").startswith("redis://") and not os.environ.get("CACHE_URL"):
        cache["LOCATION"] = settings.CELERY_BROKER_URL
        cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX') or 'sanad'}-{worker}"


_redis_db_per_xdist_process()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every factory user gets a password: hash it cheaply (no test is about the hasher;
    production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (the dashboard caches per data version, and
    a rolled-back test's records must not be served to the next one). With Redis, clear()
    deletes this process's keys only (core.cache.SanadRedisCache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def office_rabat(db):
    from core.models import City

    return OfficeFactory(code="rabat", city=City.objects.get(slug="rabat"), name_fr="Rabat")


@pytest.fixture
def office_oujda(db):
    from core.models import City

    return OfficeFactory(code="oujda", city=City.objects.get(slug="oujda"), name_fr="Oujda")


@pytest.fixture
def caseworker(office_rabat):
    return make_user(Role.CASEWORKER, username="cw.rabat", office=office_rabat)


@pytest.fixture
def other_caseworker(office_oujda):
    return make_user(Role.CASEWORKER, username="cw.oujda", office=office_oujda)


@pytest.fixture
def manager(office_rabat):
    return make_user(Role.PROGRAMME_MANAGER, username="manager", office=office_rabat)


@pytest.fixture
def manager2(office_rabat):
    return make_user(Role.PROGRAMME_MANAGER, username="manager2", office=office_rabat)


@pytest.fixture
def committee_member(db):
    return make_user(Role.COMMITTEE_MEMBER, username="committee")


@pytest.fixture
def partner_unhcr(db):
    return make_user(Role.PARTNER_OFFICER, username="partner.unhcr", partner_code="unhcr")


@pytest.fixture
def partner_anapec(db):
    return make_user(Role.PARTNER_OFFICER, username="partner.anapec", partner_code="anapec")


@pytest.fixture
def partner_eu(db):
    """A donor's officer (the EU, a partner organisation of kind donor)."""
    return make_user(Role.PARTNER_OFFICER, username="partner.eu", partner_code="eu")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, username="it.admin")


@pytest.fixture
def private_root(settings, tmp_path):
    """Private files (uploads, imports) in the test's own directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns a test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def celery_live_worker(django_db_serialized_rollback, transactional_db, settings):
    """A real Celery worker (in a thread) consuming from the real Redis broker.

    ``make test`` points CELERY_BROKER_URL at Redis and keeps tasks eager by default;
    this fixture turns eager mode off for the test so tasks really travel through Redis.
    The worker's thread needs committed data, hence a transactional database; the
    serialized rollback restores the reference data that migrations loaded.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("This test needs Redis: run it with `make test` (CELERY_BROKER_URL=redis://...).")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def webhook_receiver(settings):
    """A receiver on 127.0.0.1 (``tests/core/webhook_receiver.py``), loopback allowed, quick retries."""
    from tests.core.webhook_receiver import Receiver, start

    settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.SANAD_WEBHOOKS_RETRY_SECONDS = 1
    receiver = Receiver()
    server, thread = start(receiver)
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
