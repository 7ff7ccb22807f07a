from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LengthChecked
from core.models import SecurityEvent


class TokenForm(LengthChecked, forms.Form):
    """A six-digit code of the authenticator app, or a recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return "".join((self.cleaned_data.get("token") or "").split()).lower()


class PasskeyNameForm(LengthChecked, forms.Form):
    """The name a user gives a passkey, to tell it from their others ("Work laptop")."""

    name = forms.CharField(
        label=_("Name of the passkey"),
        max_length=64,
        help_text=_('Where it lives, so you can tell it from your others: "Work laptop", "Phone".'),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )

    def clean_name(self) -> str:
        return " ".join((self.cleaned_data.get("name") or "").split())


class SecurityLogFilter(LengthChecked, forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("All")), *SecurityEvent.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    username = forms.CharField(
        label=_("Username"), required=False, max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
