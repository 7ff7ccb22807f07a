"""Template filters shared by every app: ``money`` (an amount with the language's
thousands separator) and ``ltr`` (a date, number, phone or code isolated for bidi)."""

from django import template
from django.utils.html import format_html

from core.money import localize_money

register = template.Library()


@register.filter
def money(value) -> str:
    """``8500.5`` -> ``8 500,50`` (fr), ``8,500.50`` (en), ``8.500,50`` (ar); "" stays ""."""
    if value is None or value == "":
        return ""
    try:
        return localize_money(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.filter
def ltr(value) -> str:
    """A left-to-right run (ISO date, phone number, UNHCR number, amount) isolated from the
    Arabic text around it: ``<bdi dir="ltr">``, so "06 12 34 56 78" is never reversed."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)
