"""Password change (logged in) and reset (public, by email) work end to end."""

import re

from django.core import mail
from django.urls import reverse


def test_it_resets_a_password_by_email_link(client, caseworker):
    caseworker.email = "salma@example.org"
    caseworker.save()
    response = client.post(reverse("password_reset"), {"email": "salma@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-42", "new_password2": "a-new-long-passphrase-42"},
    )
    assert done.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password("a-new-long-passphrase-42")


def test_it_does_not_reveal_whether_an_address_exists(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_it_changes_the_password_of_a_logged_in_user(client_for, caseworker, password):
    client = client_for(caseworker)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password("another-long-passphrase-7")


def test_it_refuses_a_weak_new_password_with_a_translated_error(client_for, caseworker, password):
    client = client_for(caseworker)
    client.cookies["django_language"] = "fr"
    response = client.post(
        reverse("password_change"), {"old_password": password, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()


def test_it_logs_out_with_a_post(client_for, caseworker):
    client = client_for(caseworker)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302
