"""Arabic numbers grouped by thousands (Django's Arabic formats do not group): ``8.500,50``.
The other formats are Django's (dates day first)."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
