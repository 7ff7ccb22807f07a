"""The minutes record the sitting itself: who attended or was absent, when it opened and
closed, whether the quorum of members was present, and a block for the signatures."""

import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from core.roles import Role
from projects import services
from projects.models import CommitteeSitting
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db


def _minutes(client, sitting, lang="en") -> str:
    client.cookies["django_language"] = lang
    response = client.get(f"/projects/committee/{sitting.pk}/minutes/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_chair_ticks_who_is_present_and_that_opens_the_sitting(sitting, chair, members, client_for):
    client = client_for(chair)
    page = client.get(f"/projects/committee/{sitting.pk}/").content.decode()
    assert 'id="attendance-form"' in page

    response = client.post(f"/projects/committee/{sitting.pk}/attendance/", {"present": [members[0].pk, members[1].pk]})

    assert response.status_code == 302
    sitting.refresh_from_db()
    assert sitting.status == CommitteeSitting.Status.OPEN
    assert sitting.opened_at is not None
    assert set(sitting.present.all()) == {members[0], members[1]}
    opened = sitting.opened_at
    # A correction keeps the opening time.
    client.post(f"/projects/committee/{sitting.pk}/attendance/", {"present": [m.pk for m in members]})
    sitting.refresh_from_db()
    assert sitting.opened_at == opened
    assert sitting.present.count() == 3


def test_only_the_sittings_members_can_be_present(sitting, chair, client_for):
    outsider = make_user(Role.COMMITTEE_MEMBER, username="committee.outside")
    with pytest.raises(ValidationError):
        services.sitting_attendance(sitting=sitting, by=chair, present=[chair, outsider])
    response = client_for(chair).post(f"/projects/committee/{sitting.pk}/attendance/", {"present": [outsider.pk]})
    assert response.status_code == 302  # the form refuses the choice: nothing recorded
    sitting.refresh_from_db()
    assert sitting.opened_at is None and sitting.present.count() == 0


def test_a_member_who_is_not_the_chair_cannot_record_attendance(sitting, members, client_for):
    response = client_for(members[1]).post(f"/projects/committee/{sitting.pk}/attendance/", {"present": []})
    assert response.status_code == 403
    sitting.refresh_from_db()
    assert sitting.opened_at is None


def test_closing_records_the_time_and_freezes_the_attendance(sitting, chair, members, manager):
    services.sitting_attendance(sitting=sitting, by=chair, present=members)
    services.sitting_close(sitting=sitting, by=manager)
    sitting.refresh_from_db()
    assert sitting.closed_at is not None and sitting.closed_at >= sitting.opened_at
    with pytest.raises(ValidationError):
        services.sitting_attendance(sitting=sitting, by=chair, present=members[:1])
    closed = sitting.closed_at
    services.sitting_close(sitting=sitting, by=manager)  # twice: the first time stays
    sitting.refresh_from_db()
    assert sitting.closed_at == closed


def test_the_minutes_name_the_present_and_the_absent_and_the_quorum(scored_item, chair, members, manager, client_for):
    sitting = scored_item.sitting
    services.sitting_attendance(sitting=sitting, by=chair, present=members[:2])
    services.sitting_close(sitting=sitting, by=manager)
    body = _minutes(client_for(manager), sitting)

    present, absent = body.split("Present: ", 1)[1].split("Absent: ", 1)
    assert str(members[0]) in present and str(members[1]) in present
    assert str(members[2]) in absent.split("</p>", 1)[0]
    assert "The quorum of 2 members was met: 2 of 3 members present." in body
    assert "Opened at" in body and "Closed at" in body and "not closed yet" not in body
    assert "Scored by 2 members (quorum 2)." in body
    signatures = body.split('class="signature-block"', 1)[1]
    assert "Chair of the committee" in signatures
    assert str(members[1]) in signatures and str(members[2]) not in signatures


def test_the_minutes_say_when_the_quorum_was_not_met_or_attendance_not_recorded(sitting, chair, members, client_for):
    body = _minutes(client_for(chair), sitting)
    assert "Attendance was not recorded; the quorum is 2 members." in body
    assert "not recorded" in body

    services.sitting_attendance(sitting=sitting, by=chair, present=[chair])
    body = _minutes(client_for(chair), sitting)
    assert "The quorum of 2 members was not met: 1 of 3 members present." in body


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", ["Présents", "Absents", "quorum", "Signatures"]), ("ar", ["الحاضرون", "الغائبون", "النصاب", "التوقيعات"])],
)
def test_the_pdf_minutes_carry_attendance_and_signatures_in_each_language(
    scored_item, chair, members, manager, client_for, lang, words
):
    sitting = scored_item.sitting
    services.sitting_attendance(sitting=sitting, by=chair, present=members)
    services.sitting_close(sitting=sitting, by=manager)
    client = client_for(manager)
    client.cookies["django_language"] = lang
    response = client.get(f"/projects/committee/{sitting.pk}/minutes.pdf")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))
    for word in words:
        assert unicodedata.normalize("NFKC", word) in text, word
