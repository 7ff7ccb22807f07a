"""Validation and normalisation of UNHCR numbers and Moroccan phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# UNHCR numbers as UNHCR issues them (docs/refugees.md, "UNHCR numbers"):
# * the older proGres style: a 3-character office prefix, the year, a letter and 5 digits,
#   e.g. "RAB-18C01234" (individuals and cases alike);
# * proGres v4: an individual id, the 3-digit country office and 9 digits, e.g.
#   "803-100016547"; a registration group, the office, the year's two digits and 7 digits,
#   e.g. "803-23-1009229".
# Users type them with spaces, other dashes, Arabic-Indic digits or in lower case, or
# without the dashes: every number is normalised to the one form above before it is
# checked, stored or searched.
LEGACY_RE = re.compile(r"^[A-Z0-9]{3}-\d{2}[A-Z]\d{5}$")
PROGRES_INDIVIDUAL_RE = re.compile(r"^\d{3}-\d{9}$")
PROGRES_GROUP_RE = re.compile(r"^\d{3}-\d{2}-\d{7}$")
UNHCR_NUMBER_RE = re.compile(rf"{LEGACY_RE.pattern}|{PROGRES_INDIVIDUAL_RE.pattern}|{PROGRES_GROUP_RE.pattern}")
# A number already in that form (ASCII digits only: "١٨" is normalised to "18").
_CANONICAL = re.compile(UNHCR_NUMBER_RE.pattern, re.ASCII)

INDIVIDUAL = "individual"
GROUP = "group"

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d/._", "-"))
_DIGITS = str.maketrans(
    "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
    "01234567890123456789",
)


def normalise_unhcr_number(value: str, kind: str = INDIVIDUAL) -> str:
    """The one stored form of a UNHCR number. ``kind`` says how twelve bare digits are
    read: an individual id (``803-100016547``) or a registration group
    (``803-23-1009229``), as the field holding them expects."""
    if _CANONICAL.fullmatch(value or ""):  # already in its one form (an import's common case)
        return value
    return _normalise(value, kind)


def _normalise(value: str, kind: str) -> str:
    cleaned = (value or "").strip().upper().translate(_DASHES).translate(_DIGITS)
    # Spaces between groups of digits are separators ("803 23 1009229"), elsewhere noise.
    cleaned = re.sub(r"\s+", "-" if re.fullmatch(r"[\d\s-]+", cleaned) else "", cleaned)
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-")
    if re.fullmatch(r"[A-Z0-9]{3}\d{2}[A-Z]\d{5}", cleaned):
        return f"{cleaned[:3]}-{cleaned[3:]}"
    digits = cleaned.replace("-", "")
    if digits.isdigit() and len(digits) == 12:
        if PROGRES_GROUP_RE.match(cleaned) or (kind == GROUP and not PROGRES_INDIVIDUAL_RE.match(cleaned)):
            return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
        return f"{digits[:3]}-{digits[3:]}"
    return cleaned


def validate_unhcr_number(value: str) -> None:
    if not UNHCR_NUMBER_RE.match(normalise_unhcr_number(value)):
        raise ValidationError(
            _(
                "Enter a UNHCR number as UNHCR issues it: RAB-18C01234, or a proGres v4 number "
                "like 803-100016547 (individual) or 803-23-1009229 (registration group)."
            ),
            code="unhcr_number",
        )


def validate_individual_number(value: str) -> None:
    """An individual's number: the older style or a proGres v4 individual id, not a group's."""
    validate_unhcr_number(value)
    if PROGRES_GROUP_RE.match(normalise_unhcr_number(value)):
        raise ValidationError(
            _("This is a registration group number (like 803-23-1009229): enter the person's individual number."),
            code="unhcr_group_number",
        )


def validate_case_number(value: str) -> None:
    """A case or registration group number: the older style or a proGres v4 group."""
    number = normalise_unhcr_number(value, GROUP)
    validate_unhcr_number(number)
    if PROGRES_INDIVIDUAL_RE.match(number):
        raise ValidationError(
            _("This is an individual number (like 803-100016547): enter the registration group number."),
            code="unhcr_individual_number",
        )


def unhcr_number_query(query: str) -> list[str] | None:
    """The number prefixes a search for ``query`` looks for, or None when the query is not
    a UNHCR number (a name or a phone). Twelve bare digits may be either proGres form."""
    digits = (query or "").strip().translate(_DIGITS)
    if re.fullmatch(r"[1-9]\d{11}", digits) and not digits.startswith("212"):
        return [normalise_unhcr_number(digits), normalise_unhcr_number(digits, GROUP)]
    compact = normalise_unhcr_number(query)
    if re.fullmatch(r"[A-Z0-9]{3}\d[A-Z0-9]*", compact) and any(ch.isalpha() for ch in compact):
        compact = f"{compact[:3]}-{compact[3:]}"  # the start of an older-style number, dash left out
    if re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9-]*", compact) and any(ch.isalpha() for ch in compact):
        return [compact]
    groups = compact.split("-")
    if re.fullmatch(r"[1-9]\d{2}(-\d+)+", compact) and (
        len(groups[1]) >= 4 or (len(groups) >= 3 and len(groups[1]) == 2 and len(groups[2]) >= 4)
    ):  # a proGres number or its start; "612 34" (groups of a phone number) is not
        return [compact]
    return None


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
