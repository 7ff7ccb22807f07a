"""The publication of one partner organisation for one period of its calendar: what its
dashboard, its home panel and its report files are all read from."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import PartnerOrganisation
from reports.disclosure import calendar
from reports.disclosure.publication import Publication, Space
from reports.disclosure.space import dashboard_space, report_space
from reports.generators import reports
from reports.models import DisclosureMemory


def partner_filters(partner: PartnerOrganisation) -> dict:
    """A donor sees its own projects only."""
    return {"donor": partner.code} if partner.kind == PartnerOrganisation.Kind.DONOR else {}


def partner_space(partner: PartnerOrganisation, start: datetime.date, end: datetime.date) -> Space:
    """Everything ``partner`` can get for one period: its dashboard and home panel, and every
    report meant for it."""
    space = dashboard_space(donor=partner.kind == PartnerOrganisation.Kind.DONOR)
    for generator in reports.for_partner(partner.code):
        space = space | report_space(generator, partner.code, start, end)
    return space


def check_period(partner: PartnerOrganisation, start: datetime.date, end: datetime.date) -> None:
    """A ``ValidationError`` unless [start, end] is one complete period of the partner's calendar."""
    granularity = calendar.granularity_of(partner.code)
    if not calendar.is_publishable(start, end, granularity):
        raise ValidationError(calendar.explain(granularity), code="calendar")


def publication_for(partner: PartnerOrganisation, start: datetime.date, end: datetime.date) -> Publication:
    """The partner's publication for one period of its calendar. The cells an earlier build
    hid are hidden again (``DisclosureMemory``), and this build's hidden cells are added to
    them, so no two versions of the same period can be compared to uncover a cell."""
    check_period(partner, start, end)
    memory = DisclosureMemory.objects.filter(partner=partner, period_start=start, period_end=end).first()
    remembered = set(memory.hidden) if memory else set()
    publication = Publication(
        partner_space(partner, start, end), start, end, partner_filters(partner), remembered=remembered
    )
    hidden = publication.hidden_keys()
    if not hidden <= remembered:
        with transaction.atomic():
            row, _created = DisclosureMemory.objects.select_for_update().get_or_create(
                partner=partner, period_start=start, period_end=end
            )
            row.hidden = sorted(set(row.hidden) | hidden)
            row.save(update_fields=["hidden", "updated_at"])
    return publication
