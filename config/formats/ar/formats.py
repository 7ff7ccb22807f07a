"""Arabic numbers grouped by thousands (Django's Arabic formats do not group): ``8.500,50``.
The other formats are Django's (dates day first)."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

# Django's Arabic short formats put right-to-left marks (U+200F) between the parts
# ("14‏/03‏/1990"): inside a left-to-right run (``|ltr``) they reorder it. The page isolates
# dates itself (tests/browser/test_bidi_order.py), so the formats carry no marks.
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
