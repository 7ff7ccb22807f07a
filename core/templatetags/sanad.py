"""Template filters shared by every app: ``money`` (an amount with the language's
thousands separator) and ``ltr`` (a date, number, phone or code isolated for bidi); and
``{% url %}``, Django's own, whose argument-free and one-number forms are reversed once
per process (``core.urlcache``), and ``{% static %}``, Django's own, whose constant paths are looked up
once."""

from django import template
from django.template import defaulttags
from django.templatetags.static import StaticNode
from django.utils.html import conditional_escape, format_html

from core.money import localize_money
from core.urlcache import fixed_static, fixed_url, int_url

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


class FixedURLNode(defaulttags.URLNode):
    """Django's ``URLNode``; a constant name with no argument, or one whole number, and no
    ``as`` is memoised (``core.urlcache``)."""

    def render(self, context):
        if self.kwargs or self.asvar or self.view_name.filters or self.view_name.is_var or len(self.args) > 1:
            return super().render(context)
        number = None
        if self.args:
            number = self.args[0].resolve(context)
            if type(number) is not int:  # a bool, a text, a model: Django's
                return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        if number is None:
            url = fixed_url(self.view_name.var, current_app)
        else:
            url = int_url(self.view_name.var, number, current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@register.simple_tag(takes_context=True)
def sanad_header(context):
    """The page's header, drawn once per its content (``core.chrome``)."""
    from core.chrome import header

    return header(context)


class FixedStaticNode(StaticNode):
    """Django's ``StaticNode``; a constant path is looked up once per process."""

    def url(self, context):
        if self.path.is_var or self.path.filters:
            return super().url(context)
        return fixed_static(self.path.var)


@register.tag
def static(parser, token):
    node = StaticNode.handle_token(parser, token)
    return FixedStaticNode(varname=node.varname, path=node.path)
