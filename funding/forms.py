"""Forms validate input; the services decide."""

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.files import validate_document, validate_image
from funding.models import (
    ActionPoint,
    BusinessStatus,
    ChecklistItem,
    Disbursement,
    FollowUpVisit,
    FundingAgreement,
    Grant,
    Tranche,
)
from projects.models import BusinessProject, ProjectStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label, *, required=True, min_value=Decimal("0.01")) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(min_value)],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "max_decimal_places": _("Give the amount with at most two decimals."),
            "invalid": _("Enter an amount, for example 1250.50."),
            "min_value": _("The amount must be greater than zero.")
            if min_value > 0
            else _("This amount cannot be negative."),
        },
    )


class GrantForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=BusinessProject.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=Grant.Kind.choices)
    amount = money_field(_("amount (MAD)"))
    awarded_on = forms.DateField(label=_("awarded on"), widget=DATE)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (projects or BusinessProject.objects.none()).filter(
            status__in=[ProjectStatus.APPROVED, ProjectStatus.OPERATING]
        )


class ShareForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("agreement"), queryset=FundingAgreement.objects.select_related("donor"))
    amount = money_field(_("share (MAD)"))


class TrancheForm(forms.Form):
    amount = money_field(_("amount (MAD)"))
    planned_date = forms.DateField(label=_("planned date"), widget=DATE)
    # The initial value matters: a blank extra row still posts its select's "none", and
    # without it Django counts that row as changed and demands its amount and date.
    condition = forms.ChoiceField(
        label=_("release condition"), choices=Tranche.Condition.choices, initial=Tranche.Condition.NONE
    )


ShareFormSet = forms.formset_factory(ShareForm, extra=2, min_num=1, validate_min=True)
TrancheFormSet = forms.formset_factory(TrancheForm, extra=3, min_num=1, validate_min=True)


class IdempotentForm(forms.Form):
    """Carries a key made when the form is rendered: posting it twice records one entry."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class DisbursementForm(IdempotentForm):
    tranche = forms.ModelChoiceField(label=_("tranche"), queryset=Tranche.objects.none(), required=False)
    date = forms.DateField(label=_("payment date"), widget=DATE)
    amount = money_field(_("amount (MAD)"))
    method = forms.ChoiceField(label=_("method"), choices=Disbursement.Method.choices)
    supplier = forms.CharField(label=_("supplier"), max_length=200, required=False)
    reference = forms.CharField(label=_("reference (transfer or receipt number)"), max_length=100, required=False)
    receipt = forms.FileField(label=_("receipt (PDF or image)"), required=False, validators=[validate_document])

    def __init__(self, *args, grant: Grant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"].queryset = grant.tranches.all()
        self.fields["tranche"].label_from_instance = lambda t: (
            _("Tranche %(number)s · %(amount)s MAD")
            % {
                "number": t.number,
                "amount": t.amount,
            }
        )
        if grant.tranches.exists():
            self.fields["tranche"].required = True


class ReversalForm(IdempotentForm):
    date = forms.DateField(label=_("reversal date"), widget=DATE)
    reference = forms.CharField(label=_("reason"), max_length=100)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=60, required=False)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitForm(forms.ModelForm):
    done_on = forms.DateField(label=_("visit date"), widget=DATE)
    mode = forms.ChoiceField(label=_("mode"), choices=FollowUpVisit.Mode.choices, widget=forms.RadioSelect)
    business_status = forms.ChoiceField(label=_("business status"), choices=BusinessStatus.choices)
    monthly_revenue = money_field(_("monthly revenue (MAD)"), required=False, min_value=Decimal("0"))
    monthly_costs = money_field(_("monthly costs (MAD)"), required=False, min_value=Decimal("0"))
    verdict = forms.ChoiceField(label=_("verdict"), choices=FollowUpVisit.Verdict.choices, widget=forms.RadioSelect)
    checklist = forms.ModelMultipleChoiceField(
        label=_("checklist items met"),
        queryset=ChecklistItem.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleImageField(label=_("photos"), required=False, validators=[validate_image])

    class Meta:
        model = FollowUpVisit
        fields = [
            "done_on",
            "mode",
            "business_status",
            "monthly_revenue",
            "monthly_costs",
            "jobs_refugee_women",
            "jobs_refugee_men",
            "jobs_moroccan_women",
            "jobs_moroccan_men",
            "checklist",
            "observations",
            "recommendations",
            "verdict",
        ]
        widgets = {
            "observations": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("jobs_refugee_women", "jobs_refugee_men", "jobs_moroccan_women", "jobs_moroccan_men"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})

    def visit_data(self) -> dict:
        fields = [f for f in self.Meta.fields if f != "checklist"]
        return {f: self.cleaned_data.get(f) for f in fields}


class ActionPointForm(forms.ModelForm):
    class Meta:
        model = ActionPoint
        fields = ["description", "owner", "due_date", "done"]
        widgets = {"due_date": DATE}


ActionPointFormSet = forms.inlineformset_factory(
    FollowUpVisit, ActionPoint, form=ActionPointForm, extra=1, can_delete=True
)
