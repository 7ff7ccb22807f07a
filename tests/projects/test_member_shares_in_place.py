"""The members' shares are edited in place on the project page, in one submission; a
total over 100 % is refused (form, service, and when adding a member), with the
project's row locked so that two edits at once cannot each stay under 100 %."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from projects import services
from projects.models import ProjectMember
from tests.factories.projects import ProjectMemberFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(draft, office_rabat):
    lead = ProjectMemberFactory(
        project=draft, refugee=RefugeeFactory(office=office_rabat), is_lead=True, share_percent=Decimal("60")
    )
    other = ProjectMemberFactory(
        project=draft, refugee=RefugeeFactory(office=office_rabat), is_lead=False, share_percent=Decimal(40)
    )
    return lead, other


def _shares(lead, other):
    lead.refresh_from_db()
    other.refresh_from_db()
    return lead.share_percent, other.share_percent


def test_the_page_shows_each_share_as_an_input_of_one_form(client_for, caseworker, draft, pair):
    lead, other = pair
    body = client_for(caseworker).get(reverse("projects:detail", args=[draft.pk])).content.decode()
    assert f'name="share_{lead.pk}" id="id_share_{lead.pk}" value="60.00"' in body
    assert f'name="share_{other.pk}" id="id_share_{other.pk}" value="40.00"' in body
    assert body.count('form="shares-form"') == 2
    assert f'action="{reverse("projects:member_shares", args=[draft.pk])}" id="shares-form"' in body


def test_the_shares_are_saved_in_one_submission(client_for, caseworker, draft, pair):
    lead, other = pair
    url = reverse("projects:member_shares", args=[draft.pk])
    response = client_for(caseworker).post(url, {f"share_{lead.pk}": "55.5", f"share_{other.pk}": "44.50"})
    assert response.status_code == 302
    assert _shares(lead, other) == (Decimal("55.50"), Decimal("44.50"))
    assert lead.history.latest().history_user == caseworker


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_total_over_100_is_refused_with_a_message(client_for, caseworker, draft, pair, lang):
    lead, other = pair
    client = client_for(caseworker)
    client.cookies["django_language"] = lang
    url = reverse("projects:member_shares", args=[draft.pk])
    response = client.post(url, {f"share_{lead.pk}": "70", f"share_{other.pk}": "40"})
    assert response.status_code == 400
    expected = {
        "en": "The members&#x27; shares would add up to 110.00 %: together they can have at most 100 %.",
        "fr": "Les parts des membres feraient 110,00 % au total : ensemble, elles ne peuvent dépasser 100 %.",
        "ar": "سيصبح مجموع حصص الأعضاء 110,00 %، ولا يمكن أن يتجاوز مجموعها 100 %.",
    }[lang]
    assert expected in response.content.decode()
    assert 'id="shares-errors"' in response.content.decode()
    assert 'value="70"' in response.content.decode()  # what was typed is shown again
    assert _shares(lead, other) == (Decimal(60), Decimal(40))


def test_a_share_out_of_range_is_refused_next_to_it(client_for, caseworker, draft, pair):
    lead, other = pair
    url = reverse("projects:member_shares", args=[draft.pk])
    response = client_for(caseworker).post(url, {f"share_{lead.pk}": "0", f"share_{other.pk}": "abc"})
    assert response.status_code == 400
    form = response.context["shares_form"]
    assert set(form.errors) == {f"share_{lead.pk}", f"share_{other.pk}"}
    assert _shares(lead, other) == (Decimal(60), Decimal(40))


def test_the_service_refuses_a_total_over_100(caseworker, draft, pair):
    lead, other = pair
    with pytest.raises(ValidationError) as exc:
        services.member_shares_set(project=draft, by=caseworker, shares={lead.pk: Decimal("61")})
    assert exc.value.code == "shares_over_100"
    assert _shares(lead, other) == (Decimal(60), Decimal(40))


def test_the_service_refuses_another_projects_member(caseworker, draft, pair, office_rabat):
    stranger = ProjectMemberFactory(refugee=RefugeeFactory(office=office_rabat), share_percent=Decimal(10))
    with pytest.raises(ValidationError, match="not a member of this project"):
        services.member_shares_set(project=draft, by=caseworker, shares={stranger.pk: Decimal(10)})


def test_the_service_refuses_other_roles(committee_member, other_caseworker, draft, pair):
    lead, _other = pair
    for user in (committee_member, other_caseworker):
        with pytest.raises(PermissionDenied):
            services.member_shares_set(project=draft, by=user, shares={lead.pk: Decimal(50)})


def test_adding_a_member_beyond_100_is_refused_and_the_form_offers_what_is_left(client_for, caseworker, draft, pair):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("projects:detail", args=[draft.pk]))
    assert page.context["member_form"].initial["share_percent"] is None  # 100 % already given
    ProjectMember.objects.filter(pk=pair[1].pk).update(share_percent=Decimal(25))
    page = client.get(reverse("projects:detail", args=[draft.pk]))
    assert page.context["member_form"].initial["share_percent"] == Decimal(15)
    newcomer = RefugeeFactory(office=draft.office)
    response = client.post(
        reverse("projects:member_add", args=[draft.pk]), {"refugee": str(newcomer.pk), "share_percent": "20"}
    )
    assert response.status_code == 400
    assert "would add up to 105.00 %" in str(response.context["member_form"].errors)
    assert not draft.members.filter(refugee=newcomer).exists()
    ok = client.post(
        reverse("projects:member_add", args=[draft.pk]), {"refugee": str(newcomer.pk), "share_percent": "15"}
    )
    assert ok.status_code == 302


def test_a_submitted_project_s_shares_are_not_editable(client_for, caseworker, draft, pair):
    lead, other = pair
    type(draft).objects.filter(pk=draft.pk).update(status="submitted")
    url = reverse("projects:member_shares", args=[draft.pk])
    response = client_for(caseworker).post(url, {f"share_{lead.pk}": "50", f"share_{other.pk}": "50"})
    assert response.status_code == 400
    assert _shares(lead, other) == (Decimal(60), Decimal(40))


@pytest.mark.django_db(transaction=True)
def test_two_edits_at_once_cannot_together_pass_100(django_db_serialized_rollback, request):
    """Each edit alone stays within 100 % (70 + 30, 60 + 40 -> 60 + 40 and 70 + 30 each);
    two edits raising *different* members at once would reach 110 % without the lock."""
    draft = request.getfixturevalue("draft")
    lead, other = request.getfixturevalue("pair")
    ProjectMember.objects.filter(pk=lead.pk).update(share_percent=Decimal(50))
    ProjectMember.objects.filter(pk=other.pk).update(share_percent=Decimal(40))
    caseworker = request.getfixturevalue("caseworker")
    manager = request.getfixturevalue("manager")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(user, member, share):
        try:
            barrier.wait()
            services.member_shares_set(project=draft, by=user, shares={member.pk: share})
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(caseworker, lead, Decimal(60))),  # 60 + 40 = 100
        threading.Thread(target=edit, args=(manager, other, Decimal(50))),  # 50 + 50 = 100
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "shares_over_100"]
    assert sum(ProjectMember.objects.filter(project=draft).values_list("share_percent", flat=True)) <= 100
