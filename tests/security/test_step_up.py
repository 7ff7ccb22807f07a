"""Step-up: approving or reversing money, anonymising a person, an identifiable export,
signing off a report and changing roles need a second factor given within the last
SANAD_STEP_UP_MINUTES; past that the action is not done and the factor is asked again."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.security.mfa import STEP_UP_KEY
from funding.models import Disbursement
from tests.security.helpers import code, enrol, sign_in_with_factor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def enforced(settings, tmp_path):
    settings.SANAD_MFA_ENFORCED = True
    settings.SANAD_STEP_UP_MINUTES = 15
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def pending(caseworker, manager2):
    from funding.services import disbursement_record
    from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant

    eu = agreement_with_rates(code="eu", reference="EU-S-01", rates=[(datetime.date(2024, 1, 1), Decimal("10.9"))])
    grant = awarded_grant(
        project=approved_project(office=caseworker.office),
        by=manager2,
        amount=Decimal("30000.00"),
        shares=[(eu, "30000.00")],
        tranches=[("30000.00", "none")],
    )
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.first(),
        date=datetime.date(2025, 7, 2),
        amount=Decimal("1000.00"),
        method="bank_transfer",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
        receipt=ContentFile(PDF, name="receipt.pdf"),
    )
    return entry


def _age_factor(client, minutes: int) -> None:
    session = client.session
    session[STEP_UP_KEY] = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    session.save()


def test_a_manager_approves_a_payment_with_a_recent_factor(client, manager, pending):
    device = enrol(manager)
    sign_in_with_factor(client, manager, device)
    response = client.post(reverse("funding:disbursement_approve", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.APPROVED


def test_an_old_factor_is_asked_again_and_nothing_is_approved(client, manager, pending):
    device = enrol(manager)
    sign_in_with_factor(client, manager, device)
    _age_factor(client, 16)
    queue = reverse("funding:approval_queue")
    response = client.post(reverse("funding:disbursement_approve", args=[pending.pk]), HTTP_REFERER=queue)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_verify"))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.PENDING
    # the factor again, then the same action goes through
    back = client.post(reverse("mfa_verify"), {"token": code(device), "next": queue})
    assert back["Location"].endswith(queue)
    client.post(reverse("funding:disbursement_approve", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.APPROVED


def test_within_the_window_it_is_not_asked(client, manager, pending):
    device = enrol(manager)
    sign_in_with_factor(client, manager, device)
    _age_factor(client, 14)
    client.post(reverse("funding:disbursement_approve", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.APPROVED


def test_the_window_is_a_setting(client, manager, pending, settings):
    settings.SANAD_STEP_UP_MINUTES = 5
    device = enrol(manager)
    sign_in_with_factor(client, manager, device)
    _age_factor(client, 6)
    response = client.post(reverse("funding:disbursement_approve", args=[pending.pk]))
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_a_password_alone_never_approves_when_mfa_is_enforced(client, manager, pending):
    client.force_login(manager)  # no device: sent to enrol, nothing approved
    response = client.post(reverse("funding:disbursement_approve", args=[pending.pk]))
    assert response["Location"].startswith(reverse("mfa_setup"))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.PENDING


@pytest.mark.parametrize(
    "action", ["reverse", "anonymise", "identifiable-export", "sign-off", "roles", "recovery-codes"]
)
def test_each_sensitive_action_asks_for_a_recent_factor(client, manager, manager2, caseworker, pending, action):
    from core.roles import Role
    from refugees.models import Refugee
    from reports.models import ReportRun
    from tests.factories.core import make_user
    from tests.factories.refugees import RefugeeFactory
    from tests.factories.reports import done_run

    refugee = RefugeeFactory(office=caseworker.office)
    run = done_run("unhcr", by=manager2)
    admin = make_user(Role.ADMIN, username="it.stepup")
    user, method, url = {
        "reverse": (manager, "post", reverse("funding:disbursement_reverse", args=[pending.pk])),
        "anonymise": (manager, "post", reverse("refugees:anonymise", args=[refugee.pk])),
        "identifiable-export": (manager, "get", reverse("refugees:partner_export", kwargs={"code": "unhcr"})),
        "sign-off": (manager, "post", reverse("reports:run_sign_off", args=[run.pk])),
        "roles": (admin, "post", reverse("admin:core_user_change", args=[manager.pk])),
        "recovery-codes": (manager, "post", reverse("mfa_recovery_codes")),
    }[action]
    sign_in_with_factor(client, user, enrol(user))
    _age_factor(client, 60)
    response = getattr(client, method)(url, {"confirm": "on", "groups": []} if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_verify"))
    refugee.refresh_from_db()
    assert refugee.anonymised_at is None
    assert ReportRun.objects.get(pk=run.pk).signed_off_at is None
    assert Refugee.objects.filter(pk=refugee.pk).exists()
    assert manager.groups.filter(name=Role.PROGRAMME_MANAGER).exists()
