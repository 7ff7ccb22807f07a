"""Money: always Decimal, never float. Amounts in MAD have 2 decimals."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db import models
from django.utils.translation import get_language
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
    """An amount as pages show it in the active language, with two decimals and the
    language's thousands separator (``8 500,50`` in French, ``8,500.50`` in English,
    ``8.500,50`` in Arabic): what the ``money`` template filter shows, for form choices and
    messages built in Python. Grouping is forced here, not by ``USE_THOUSAND_SEPARATOR``,
    which would also group every id written in a template (``value="1,234"``)."""
    from django.utils import formats

    return formats.number_format(money(value), decimal_pos=2, use_l10n=True, force_grouping=True)


# Digits a user may type: Arabic-Indic and Eastern Arabic-Indic, read as ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009'\u066c"), None)  # incl. the Arabic thousands sign


def parse_amount(text: str, *, language: str | None = None) -> str:
    """An amount typed in the user's habits, as a plain decimal string for ``Decimal``:
    ``"8 500,50"`` (French), ``"8500.50"``, ``"8,500.50"`` (English), ``"٨٥٠٠٫٥٠"``
    (Arabic-Indic digits, the Arabic decimal sign). Spaces and the Arabic thousands sign are
    thousands separators; with both ``,`` and ``.`` the last is the decimal point; a lone
    ``,`` is the decimal point except in English, where it groups thousands (``8,500``).
    What is not a number is returned as it came (the field then says it is invalid)."""
    raw = str(text).strip()
    value = raw.translate(_DIGITS).replace("\u066b", ".").translate(_SPACES)
    if "," in value and "." in value:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        group = "." if decimal == "," else ","
        value = value.replace(group, "").replace(decimal, ".")
    elif "," in value:
        english = (language or get_language() or "")[:2] == "en"
        thousands = english and len(value.rsplit(",", 1)[1]) == 3  # "8,500" in English
        value = value.replace(",", "") if thousands else value.replace(",", ".")
    if value.count(".") > 1:
        return raw
    return value


class MoneyFormField(forms.DecimalField):
    """A money input that reads the user's locale habits (:func:`parse_amount`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = parse_amount(value)
        return super().to_python(value)


def MoneyField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802 - a field factory
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    field = models.DecimalField(verbose_name, **kwargs)
    # Its form field reads the user's locale habits (MoneyFormField). Set on the instance,
    # not by a subclass: expressions mixing it with plain DecimalFields stay of one type,
    # and migrations see a plain DecimalField.
    plain = field.formfield
    field.formfield = lambda **kw: plain(**{"form_class": MoneyFormField, **kw})
    return field
