"""Validation and normalisation of UNHCR numbers and Moroccan phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# proGres-style numbers: a 3-character office prefix, the year, a letter and 5 digits,
# e.g. "RAB-18C01234". Users type them with spaces or in lower case; we normalise.
UNHCR_NUMBER_RE = re.compile(r"^[A-Z0-9]{3}-\d{2}[A-Z]\d{5}$")


def normalise_unhcr_number(value: str) -> str:
    cleaned = re.sub(r"\s+", "", (value or "")).upper()
    if re.fullmatch(r"[A-Z0-9]{3}\d{2}[A-Z]\d{5}", cleaned):
        cleaned = f"{cleaned[:3]}-{cleaned[3:]}"
    return cleaned


def validate_unhcr_number(value: str) -> None:
    if not UNHCR_NUMBER_RE.match(normalise_unhcr_number(value)):
        raise ValidationError(
            _("Enter a UNHCR number like RAB-18C01234 (office code, year, letter, five digits)."),
            code="unhcr_number",
        )


def normalise_phone(value: str) -> str:
    """Return a Moroccan number in international form (+2126XXXXXXXX), or the
    cleaned international number when it has another country code."""
    digits = re.sub(r"[^\d+]", "", value or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        digits = "+212" + digits[1:]
    elif digits.startswith("212"):
        digits = "+" + digits
    return digits


def validate_phone(value: str) -> None:
    phone = normalise_phone(value)
    if phone.startswith("+212"):
        if not re.fullmatch(r"\+212[5-7]\d{8}", phone):
            raise ValidationError(
                _("Enter a Moroccan phone number such as 06 12 34 56 78 or +212 6 12 34 56 78."), code="phone"
            )
    elif not re.fullmatch(r"\+\d{8,15}", phone):
        raise ValidationError(
            _("Enter a Moroccan phone number such as 06 12 34 56 78 or +212 6 12 34 56 78."), code="phone"
        )
