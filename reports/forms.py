import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LengthChecked
from core.models import Office, PartnerOrganisation, Region
from core.roles import is_manager
from reports.disclosure.partners import check_period
from reports.generators import reports
from reports.models import ReportRun

REPORT_TITLES = {
    "programme": _("Programme report (internal)"),
    "unhcr": _("UNHCR report"),
    "ministry": _("Report to the Ministry"),
    "anapec": _("Report to ANAPEC"),
    "donor": _("Donor report"),
}


class ReportRunForm(LengthChecked, forms.Form):
    code = forms.ChoiceField(label=_("Report"))
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        help_text=_("For the donor report: which donor."),
    )
    start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices, initial="xlsx")
    language = forms.ChoiceField(label=_("Language"), choices=ReportRun.Language.choices, initial="fr")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if is_manager(user):
            generators = reports.all()
            partners = PartnerOrganisation.objects.all()
        else:
            own = user.partner_organisation
            generators = reports.for_partner(own.code)
            partners = PartnerOrganisation.objects.filter(pk=own.pk)
        self.fields["code"].choices = [(g.code, REPORT_TITLES.get(g.code, g.code)) for g in generators]
        self.fields["partner"].queryset = partners

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        if start and start < datetime.date(2000, 1, 1):
            self.add_error("start", _("Choose a date from 2000 on."))
        code, partner = data.get("code"), data.get("partner")
        if code in reports:
            generator = reports[code]
            if generator.per_partner and (partner is None or partner.code not in generator.audience):
                self.add_error("partner", _("Choose the donor this report is for."))
            if not generator.audience and partner is not None:
                self.add_error("partner", _("The internal programme report has no partner."))
            if code in reports and data.get("language") not in reports[code].languages:
                self.add_error("language", _("This report is not available in that language."))
            if generator.audience and partner is not None and start and end and not self.errors:
                try:
                    check_period(partner, start, end)
                except forms.ValidationError as exc:
                    self.add_error("start", exc)
        return data


class DashboardFilterForm(LengthChecked, forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.all(), required=False, to_field_name="code"
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, to_field_name="code"
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), ("F", _("Women")), ("M", _("Men"))])
    nationality = forms.CharField(label=_("Nationality (ISO code)"), required=False, max_length=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap sizes the controls to their column, so the filter row wraps on any screen.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"

    def clean_nationality(self):
        return (self.cleaned_data.get("nationality") or "").upper()

    def period(self) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or datetime.date(2018, 2, 1)
        if end < start:
            start, end = end, start
        return start, end

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "office": data["office"].code if data.get("office") else None,
            "region": data["region"].code if data.get("region") else None,
            "sex": data.get("sex") or None,
            "nationality": data.get("nationality") or None,
        }


class PartnerDashboardForm(LengthChecked, forms.Form):
    """A partner's dashboard: one complete period of its calendar and at most one filter,
    the combinations its figures were protected for (``reports.disclosure``)."""

    period = forms.ChoiceField(label=_("Period"))
    show = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, periods, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label()) for p in periods]
        self.fields["show"].choices = [("", _("Everyone")), *[(str(h), opts) for h, opts in choices if opts]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def show_choice(self) -> str:
        return self.cleaned_data.get("show") or "" if self.is_valid() else ""
