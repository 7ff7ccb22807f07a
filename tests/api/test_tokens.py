"""API tokens: stored hashed and shown once, scoped, expiring, revocable, limited to their
addresses, every use recorded; who may create them; the rate per token (429 with
Retry-After); the session works too, with CSRF on writes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.models import ApiToken
from core.api.tokens import hash_secret, token_create, token_revoke
from tests.factories.api import make_token

pytestmark = pytest.mark.django_db
LATER = timezone.localdate() + datetime.timedelta(days=30)


def test_it_accepts_a_valid_token_and_records_each_use(api, caseworker):
    token, header = make_token(user=caseworker)
    for _ in range(3):
        assert api(header).get("/api/v1/refugees/").status_code == 200
    token.refresh_from_db()
    assert token.use_count == 3
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"expires_in_days": -1}, "token_expired"),
        ({"revoked": True}, "token_revoked"),
        ({"allowed_ips": ["10.0.0.0/8"]}, "address_not_allowed"),
    ],
)
def test_it_refuses_an_expired_a_revoked_or_an_out_of_address_token(api, caseworker, options, code):
    token, header = make_token(user=caseworker, **options)
    response = api(header).get("/api/v1/refugees/")
    assert response.status_code == 401
    assert response.json()["code"] == code
    token.refresh_from_db()
    assert token.use_count == 0


def test_the_allow_list_admits_its_own_addresses(api, caseworker):
    _t, header = make_token(user=caseworker, allowed_ips=["127.0.0.0/24"])
    assert api(header).get("/api/v1/refugees/").status_code == 200


def test_a_wrong_or_malformed_token_is_a_401(api, caseworker):
    _token, header = make_token(user=caseworker)
    for bad in (header + "x", "Bearer sanad_nothing_here", "Bearer", "Bearer a b", "Bearer " + "x" * 500):
        response = api(bad).get("/api/v1/refugees/")
        assert response.status_code == 401, bad
        assert response.json()["code"] in ("authentication_failed", "token_invalid")
    assert api().get("/api/v1/refugees/").json()["code"] == "not_authenticated"


def test_a_token_does_no_more_than_its_scopes(api, caseworker):
    _t, header = make_token(user=caseworker, scopes=["cases:read"])
    assert api(header).get("/api/v1/refugees/").status_code == 200
    response = api(header).post("/api/v1/refugees/", {}, format="json")
    assert response.status_code == 403
    assert "cases:write" in response.json()["message"]


def test_only_the_hash_is_stored_and_the_secret_opens_the_api(api, manager, caseworker):
    token, secret = token_create(
        by=manager, name="field tool", scopes=["cases:read"], expires_on=LATER, user=caseworker
    )
    assert secret.startswith(f"sanad_{token.prefix}_")
    assert token.secret_hash == hash_secret(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert api(f"Bearer {secret}").get("/api/v1/refugees/").status_code == 200
    token_revoke(token=token, by=manager)
    assert api(f"Bearer {secret}").get("/api/v1/refugees/").status_code == 401


def test_a_manager_gives_tokens_to_staff_and_an_admin_to_partner_organisations(
    manager, admin_user, caseworker, partner_unhcr
):
    from django.core.exceptions import PermissionDenied, ValidationError

    from core.models import PartnerOrganisation

    unhcr = PartnerOrganisation.objects.get(code="unhcr")
    with pytest.raises(PermissionDenied):
        token_create(by=caseworker, name="x", scopes=["cases:read"], expires_on=LATER, user=caseworker)
    with pytest.raises(PermissionDenied):
        token_create(by=manager, name="x", scopes=["aggregates:read"], expires_on=LATER, partner_organisation=unhcr)
    with pytest.raises(PermissionDenied):
        token_create(by=admin_user, name="x", scopes=["cases:read"], expires_on=LATER, user=caseworker)
    with pytest.raises(ValidationError):  # a partner organisation never reads cases
        token_create(by=admin_user, name="x", scopes=["cases:read"], expires_on=LATER, partner_organisation=unhcr)
    with pytest.raises(ValidationError):  # tokens are for staff
        token_create(by=manager, name="x", scopes=["cases:read"], expires_on=LATER, user=partner_unhcr)
    with pytest.raises(ValidationError):  # an expiry within the limit
        token_create(
            by=manager,
            name="x",
            scopes=["cases:read"],
            expires_on=LATER + datetime.timedelta(days=999),
            user=caseworker,
        )
    with pytest.raises(ValidationError):
        token_create(
            by=manager, name="x", scopes=["cases:read"], expires_on=LATER, user=caseworker, allowed_ips=["not-an-ip"]
        )
    token, _secret = token_create(
        by=admin_user, name="UNHCR BI", scopes=["aggregates:read"], expires_on=LATER, partner_organisation=unhcr
    )
    assert token.partner_organisation == unhcr


def test_the_token_page_creates_shows_the_secret_once_and_revokes(client, manager, caseworker):
    client.force_login(manager)
    response = client.post(
        reverse("api_token_create"),
        {
            "name": "field tool",
            "user": caseworker.pk,
            "scopes": ["cases:read", "cases:write"],
            "expires_on": LATER,
            "allowed_ips": "196.200.10.0/24",
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret) and token.allowed_ips == ["196.200.10.0/24"]
    listing = client.get(reverse("api_tokens"))
    assert secret not in listing.content.decode() and token.prefix in listing.content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == manager


def test_creating_a_token_asks_for_the_second_factor_again():
    from core.api.views import token_new

    assert getattr(token_new, "sanad_step_up", False)


def test_over_the_rate_it_answers_429_with_retry_after(api, caseworker, settings):
    from django.core.cache import caches

    from core.api.throttling import TokenRateThrottle

    token, header = make_token(user=caseworker)
    caches["api"].delete(f"throttle:token:token:{token.pk}")
    old = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = {"token": "3/minute"}
    try:
        codes = [api(header).get("/api/v1/refugees/").status_code for _ in range(4)]
        response = api(header).get("/api/v1/refugees/")
    finally:
        TokenRateThrottle.THROTTLE_RATES = old
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    _other, other_header = make_token(user=caseworker)
    assert api(other_header).get("/api/v1/refugees/").status_code == 200  # per token


def test_the_session_works_with_csrf_on_writes(caseworker):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(caseworker)
    assert client.get("/api/v1/refugees/").status_code == 200
    response = client.post("/api/v1/refugees/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
