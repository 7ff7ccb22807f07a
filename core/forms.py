from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import User


class LoginForm(AuthenticationForm):
    """The login form; axes needs the request, which AuthenticationForm already passes."""

    error_messages = {
        "invalid_login": _("Please enter a correct username and password. Both fields may be case-sensitive."),
        "inactive": _("This account is inactive."),
    }


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` (a business rule) on ``form``.

    Errors keyed by a field the form has go under that field; the rest (and a plain
    message or list) are form-wide, shown in the error summary at the top.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def service_error_text(exc: ValidationError) -> str:
    """A service's ``ValidationError`` as one line (for a message or a form-wide error)."""
    return " ".join(exc.messages)


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["daily_digest", "language"]
