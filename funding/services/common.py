"""What the funding services share: the one lock order, and the checks of an amount.

**The lock order**: every service that touches money locks the grant row first, then
the agreement rows ordered by pk (:func:`lock`), so concurrent writers queue in one
consistent order and the checks they make (grant never overspent, agreement never beyond
its amount) see the committed state of the others. Recording a visit locks the project
row, then the visit (``funding.services.visits``).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from core.money import CENT
from funding.models import FundingAgreement, Grant


def lock(*, grant_id: int | None, agreement_ids: Iterable[int]) -> tuple[Grant | None, list[FundingAgreement]]:
    """Lock the grant, then its agreements ordered by pk: the one lock order of this app."""
    grant = Grant.objects.select_for_update().get(pk=grant_id) if grant_id else None
    agreements = list(FundingAgreement.objects.select_for_update().filter(pk__in=set(agreement_ids)).order_by("pk"))
    return grant, agreements


def check_amount(amount: Decimal, field: str = "amount") -> None:
    if amount is None or amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")}, code="amount_not_positive")
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("The amount can have at most two decimals.")}, code="amount_decimals")


def short_date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")
