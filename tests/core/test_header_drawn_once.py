"""The page's header is drawn once per its content and reused (``core.chrome``): what a
page shows is what a fresh drawing gives, for every role and language; the forms in it
carry the request's own CSRF token and the page's own address; the active menu item, a
renamed user or office and a role taken away are never shown stale."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from core import chrome
from core.roles import Role

pytestmark = pytest.mark.django_db

PERSONAS = ["caseworker", "manager", "committee_member", "partner_unhcr", "admin_user"]
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def header_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<header>") : html.index("</header>")]


def tokens(header: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header)


@pytest.fixture(autouse=True)
def empty_table():
    chrome._drawn.clear()
    yield
    chrome._drawn.clear()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_reused_header_is_the_one_a_fresh_drawing_gives(request, client, persona, language):
    client.force_login(request.getfixturevalue(persona))
    client.cookies["django_language"] = language
    url = reverse("password_change_done")
    first = header_of(client.get(url))  # drawn, kept
    assert len(chrome._drawn) == 1
    again = header_of(client.get(url))  # reused
    with override_settings(DEBUG=True):  # drawn afresh
        fresh = header_of(client.get(url))
    assert len(chrome._drawn) == 1
    normal = [TOKEN.sub(r"\1T\2", h) for h in (first, again, fresh)]
    assert normal[0] == normal[1] == normal[2]
    assert chrome._TOKEN not in first + again and chrome._PATH not in first + again
    assert reverse("logout") in again and f'lang="{language}"' in again


def test_its_forms_carry_the_requests_token_and_the_pages_address(client, caseworker):
    from django.middleware.csrf import _does_token_match, _unmask_cipher_token

    client.force_login(caseworker)
    client.get(reverse("refugees:list"))
    page = client.get(reverse("refugees:list"), {"q": '"><script>x</script>'})
    header = header_of(page)
    secret = client.cookies["csrftoken"].value
    assert tokens(header) and all(_does_token_match(t, secret) for t in tokens(header))
    assert len({_unmask_cipher_token(t) for t in tokens(header)}) == 1
    assert '<input name="next" type="hidden" value="/refugees/?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E">' in header
    assert "<script>x" not in header
    # The token works: signing out through the header's form, with CSRF checks on.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(caseworker)
    header = header_of(strict.get(reverse("refugees:list")))
    assert strict.post(reverse("logout"), {"csrfmiddlewaretoken": tokens(header)[0]}).status_code == 302


def test_the_active_item_follows_the_page(client, caseworker):
    client.force_login(caseworker)
    for url, key in ((reverse("refugees:list"), "refugees"), (reverse("projects:list"), "projects")):
        header = header_of(client.get(url))
        active = re.findall(r'class="nav-link text-nowrap active" href="[^"]+" data-nav="([^"]+)"', header)
        assert active == [key], (url, active)


def test_a_renamed_user_or_office_and_a_role_taken_away_are_shown_at_once(client, caseworker):
    client.cookies["django_language"] = "en"
    client.force_login(caseworker)
    url = reverse("password_change_done")
    assert 'data-nav="refugees"' in header_of(client.get(url))
    caseworker.first_name, caseworker.last_name = "Renamed", "Person"
    caseworker.save()
    caseworker.office.name_en = caseworker.office.name_fr = "Renamed office"
    caseworker.office.save()
    header = header_of(client.get(url))
    assert "Renamed" in header and "Renamed office" in header
    caseworker.groups.set([Group.objects.get(name=Role.COMMITTEE_MEMBER)])
    header = header_of(client.get(url))
    assert 'data-nav="refugees"' not in header


def test_an_anonymous_page_is_drawn_every_time(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "<header>" in page.content.decode()
    assert chrome._drawn == {}
