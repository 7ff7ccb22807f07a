"""Forms validate input; the services decide."""

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.files import validate_document, validate_image
from core.forms import LengthChecked, TypedModelChoiceField
from core.money import MoneyFormField, localize_money
from funding.access import can_choose_agreement
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
    return MoneyFormField(
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


class GrantForm(LengthChecked, forms.Form):
    # Typed (reference) rather than listed: at scale a <select> of every fundable project
    # made this page 2 MB and 5 s.
    project = TypedModelChoiceField(
        label=_("Project"),
        queryset=BusinessProject.objects.none(),
        code_field="reference",
        help_text=_("The project's reference, for example PRJ-26-00012 (its page has a link that fills it in)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Grant.Kind.choices)
    amount = money_field(_("Amount (MAD)"))
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (projects if projects is not None else BusinessProject.objects.none()).filter(
            status__in=[ProjectStatus.APPROVED, ProjectStatus.OPERATING]
        )


class ShareForm(LengthChecked, forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=FundingAgreement.objects.select_related("donor"))
    amount = money_field(_("Share (MAD)"))


class TrancheForm(LengthChecked, forms.Form):
    amount = money_field(_("Amount (MAD)"))
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE)
    # The initial value matters: a blank extra row still posts its select's "none", and
    # without it Django counts that row as changed and demands its amount and date.
    condition = forms.ChoiceField(
        label=_("Release condition"), choices=Tranche.Condition.choices, initial=Tranche.Condition.NONE
    )


# Every formset has a ceiling a real form never reaches, enforced on the posted count: a
# management form claiming millions of rows would otherwise build Django's default 2,000
# forms per formset (a 26-second request). Over it, the formset says so (translated by
# Django) and builds no more than the ceiling.
MAX_SHARES, MAX_TRANCHES, MAX_ACTION_POINTS = 10, 12, 50


def _capped(max_num: int) -> dict:
    return {"max_num": max_num, "absolute_max": max_num, "validate_max": True}


ShareFormSet = forms.formset_factory(ShareForm, extra=2, min_num=1, validate_min=True, **_capped(MAX_SHARES))
TrancheFormSet = forms.formset_factory(TrancheForm, extra=3, min_num=1, validate_min=True, **_capped(MAX_TRANCHES))


class IdempotentForm(LengthChecked, forms.Form):
    """Carries a key made when the form is rendered: posting it twice records one entry."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class DisbursementForm(IdempotentForm):
    tranche = forms.ModelChoiceField(label=_("Tranche"), queryset=Tranche.objects.none(), required=False)
    date = forms.DateField(label=_("Payment date"), widget=DATE)
    amount = money_field(_("Amount (MAD)"))
    method = forms.ChoiceField(label=_("Method"), choices=Disbursement.Method.choices)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference (transfer or receipt number)"), max_length=100, required=False)
    receipt = forms.FileField(label=_("Receipt (PDF or image)"), required=False, validators=[validate_document])
    paid_from = forms.ModelChoiceField(
        label=_("Paid from"),
        queryset=FundingAgreement.objects.none(),
        required=False,
        empty_label=_("Automatic split across the grant's agreements (default)"),
    )

    def __init__(self, *args, grant: Grant, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.split = [(s.agreement, s.amount) for s in grant.funding.select_related("agreement").order_by("agreement")]
        if user is not None and can_choose_agreement(user):
            # The automatic split stays the default; a manager may charge the whole payment
            # to one of the grant's agreements (checked by the service: room, period, rate).
            self.fields["paid_from"].queryset = FundingAgreement.objects.filter(commitments__grant=grant).order_by("pk")
            self.fields["paid_from"].label_from_instance = lambda a: f"{a.reference} · {a.title} ({a.currency})"
            self.fields["paid_from"].help_text = _(
                "By default the payment is split across the grant's agreements in proportion to their shares. "
                "Choose one agreement to charge the whole payment to it: it needs enough room in its share and "
                "in its own amount, and the payment date within its period."
            )
        else:
            del self.fields["paid_from"]
        self.fields["tranche"].queryset = grant.tranches.all()
        self.fields["tranche"].label_from_instance = lambda t: (
            _("Tranche %(number)s · %(amount)s MAD")
            % {
                "number": t.number,
                "amount": localize_money(t.amount),
            }
        )
        if grant.tranches.exists():
            self.fields["tranche"].required = True

    def payment(self) -> dict:
        """What ``services.disbursement_record`` takes from the valid form (the page and the
        API record a payment through this one mapping; receipt and agreement are optional)."""
        data = self.cleaned_data
        names = ("tranche", "date", "amount", "method", "supplier", "reference", "idempotency_key")
        return {
            **{name: data[name] for name in names},
            "receipt": data.get("receipt"),
            "paid_from": data.get("paid_from"),
        }


class ReversalForm(IdempotentForm):
    date = forms.DateField(label=_("Reversal date"), widget=DATE)
    reference = forms.CharField(label=_("Reason"), max_length=100)


class RejectForm(LengthChecked, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Give the reason for the rejection.")},
    )


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


class VisitForm(LengthChecked, forms.ModelForm):
    done_on = forms.DateField(label=_("Visit date"), widget=DATE)
    mode = forms.ChoiceField(label=_("Mode"), choices=FollowUpVisit.Mode.choices, widget=forms.RadioSelect)
    business_status = forms.ChoiceField(label=_("Business status"), choices=BusinessStatus.choices)
    monthly_revenue = money_field(_("Monthly revenue (MAD)"), required=False, min_value=Decimal("0"))
    monthly_costs = money_field(_("Monthly costs (MAD)"), required=False, min_value=Decimal("0"))
    verdict = forms.ChoiceField(label=_("Verdict"), choices=FollowUpVisit.Verdict.choices, widget=forms.RadioSelect)
    checklist = forms.ModelMultipleChoiceField(
        label=_("Checklist items met"),
        queryset=ChecklistItem.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleImageField(label=_("Photos"), required=False, validators=[validate_image])

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


class ActionPointForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = ActionPoint
        fields = ["description", "owner", "due_date", "done"]
        widgets = {"due_date": DATE}


ActionPointFormSet = forms.inlineformset_factory(
    FollowUpVisit, ActionPoint, form=ActionPointForm, extra=1, can_delete=True, **_capped(MAX_ACTION_POINTS)
)
