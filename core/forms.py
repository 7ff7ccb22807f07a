from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form; axes needs the request, which AuthenticationForm already passes."""

    error_messages = {
        "invalid_login": _("Please enter a correct username and password. Both fields may be case-sensitive."),
        "inactive": _("This account is inactive."),
    }
