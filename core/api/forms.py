"""The form of a new API token (the UI page; the rules are ``core.api.tokens.token_create``'s)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.models import PARTNER_SCOPES, Scope
from core.api.tokens import can_manage_partner_tokens, can_manage_user_tokens, token_holders
from core.models import PartnerOrganisation


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “UNHCR BI”."))
    user = forms.ModelChoiceField(label=_("User"), queryset=None, required=False)
    partner_organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=PartnerOrganisation.objects.order_by("acronym"), required=False
    )
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}))
    allowed_ips = forms.CharField(
        label=_("Allowed addresses"),
        required=False,
        max_length=1000,
        help_text=_("Optional: addresses or networks, one per line (e.g. 196.200.10.0/24). Empty: any address."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=90)
        if can_manage_user_tokens(by):
            self.fields["user"].queryset = token_holders(by)
        else:
            del self.fields["user"]
        if not can_manage_partner_tokens(by):
            del self.fields["partner_organisation"]
        else:
            if "user" not in self.fields:
                self.fields["scopes"].choices = [(s.value, s.label) for s in PARTNER_SCOPES]

    def clean(self):
        data = super().clean()
        owners = [data.get("user"), data.get("partner_organisation")]
        if sum(o is not None for o in owners) != 1:
            raise forms.ValidationError(_("Choose the user or the partner organisation the token belongs to."))
        return data

    def addresses(self) -> list[str]:
        return (self.cleaned_data.get("allowed_ips") or "").replace(",", "\n").splitlines()
