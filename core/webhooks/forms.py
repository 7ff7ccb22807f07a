from django import forms
from django.utils.translation import gettext_lazy as _

from core.webhooks.events import EVENTS, kinds_for

PROGRAMME = "programme"


class EndpointForm(forms.Form):
    """An endpoint's URL, events and description (and, when the user may register for
    several owners, whose it is). The rules are the service's (``services._clean``)."""

    owner = forms.ChoiceField(label=_("For"))
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address that accepts a POST of JSON."),
        widget=forms.URLInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, owners=None, endpoint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {(str(o.pk) if o else PROGRAMME): o for o in (owners or [])}
        if endpoint is not None:
            del self.fields["owner"]
            partner_id = endpoint.partner_id
            self.initial.update(
                url=endpoint.url, description=endpoint.description, events=endpoint.events, is_active=endpoint.is_active
            )
            kinds = kinds_for(partner=partner_id is not None)
        else:
            del self.fields["is_active"]
            self.fields["owner"].choices = [
                (key, o.acronym if o else _("The programme")) for key, o in self.owners.items()
            ]
            if len(self.owners) == 1:
                self.fields["owner"].widget = forms.HiddenInput()
                self.fields["owner"].initial = next(iter(self.owners))
            programme = PROGRAMME in self.owners
            kinds = kinds_for(partner=not programme)
        self.fields["events"].choices = [(k.name, f"{k.name}: {k.label}") for k in kinds]

    def clean_events(self) -> list[str]:
        return [e for e in self.cleaned_data["events"] if e in EVENTS]

    @property
    def partner(self):
        return self.owners.get(self.cleaned_data.get("owner"))
