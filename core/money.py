"""Money: always Decimal, never float. Amounts in MAD have 2 decimals."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


class Currency(models.TextChoices):
    MAD = "MAD", _("Moroccan dirham (MAD)")
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    CHF = "CHF", _("Swiss franc (CHF)")
    JPY = "JPY", _("Japanese yen (JPY)")


def money(value) -> Decimal:
    """Round a value to cents, half up, as accountants do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def localize_money(value) -> str:
    """An amount as pages show it in the active language (Django's number formats, as
    ``{{ amount }}`` in a template): for form choices and messages built in Python."""
    from django.utils import formats

    return formats.localize(money(value))


def MoneyField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802 - a field factory
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)
