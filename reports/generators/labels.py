"""The texts of the partner reports, through gettext only (translated in
``reports/locale/{ar,fr}``): table headings, notes, the names of a dimension's values.

``t(text, lang)`` is a text in one language, whatever the language of the request.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refugees.models import LegalStatus, Sex

LANGS = ("en", "fr", "ar")

# A text that other pages of Sanad translate in other words (the dashboard's "Mois après le
# financement", the funding pages' "Dépensé (devise de la convention)" ...) has the context
# "report", so that the reports keep their own words.

INDICATOR = _("Indicator")
VALUE = _("Value")
TOTAL = _("Total")
UNKNOWN = pgettext_lazy("report", "Unknown")
DEFINITION = _("Definition")
CODE = _("Code")
PERIOD = _("Period")
DEFINITIONS = _("Definitions")
SUPPRESSED_NOTE = _("<5: a count from 1 to 4; x: hidden so that a small count cannot be worked out from the totals.")

# Tables.
HEADLINE_FIGURES = _("Headline figures")
ALL_INDICATORS = _("All indicators")
BY_AGE_AND_SEX = _("by age and sex")
SELF_RELIANCE = _("Self-reliance and livelihoods")
BUSINESS_SURVIVAL = _("Business survival")
MONTHS_AFTER_FUNDING = pgettext_lazy("report", "Months after funding")
VISITED = _("Visited")
OPERATING = pgettext_lazy("report", "Operating")
SURVIVAL_RATE = _("Survival rate (%)")
SPEND_AGAINST_AGREEMENTS = _("Spend against agreements")
AGREEMENT_COLUMNS = (
    _("Agreement"),
    _("Currency"),
    _("Agreement amount"),
    pgettext_lazy("report", "Spent (agreement currency)"),
    _("Spent (MAD)"),
    _("Used (%)"),
)

# A dimension as a table's first column, and the values of the dimensions without a
# reference table.
DIMENSION_HEADINGS = {
    "region": _("Region"),
    "city": _("City"),
    "office": _("Office"),
    "nationality": _("Nationality"),
    "legal_status": _("Legal status"),
}
SEX_LABELS = {Sex.FEMALE.value: _("Women"), Sex.MALE.value: _("Men")}
LEGAL_STATUS_LABELS = {
    LegalStatus.REFUGEE.value: pgettext_lazy("report", "Refugees"),
    LegalStatus.ASYLUM_SEEKER.value: _("Asylum seekers"),
}


def t(text: str | Promise, lang: str) -> str:
    """``text`` (a gettext_lazy text, or a plain string) in ``lang``."""
    with translation.override(lang):
        return str(text)
