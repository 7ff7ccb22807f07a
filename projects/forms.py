"""Forms validate input; views hand the cleaned data to ``projects.services``."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.files import validate_document
from core.forms import LengthChecked, TypedModelChoiceField, check_programme_date
from core.models import User
from core.money import MoneyFormField
from core.roles import Role
from projects.access import can_choose_office
from projects.models import (
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    Cooperative,
    FeasibilityStudy,
    ProjectOutcome,
    ProjectStatus,
    Session,
)
from projects.services import active_project_of
from refugees.validators import normalise_unhcr_number

MAX_UNIT_COST = Decimal("1000000")  # 1 million MAD per unit is beyond any micro-project
MAX_QUANTITY = Decimal("10000")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficeOfTheUserMixin:
    """A record created by someone who may not choose its office (a caseworker) goes to
    their own office; one with no office is refused with a form-wide error."""

    def _office_of_the_user(self, data: dict) -> None:
        if self.instance.pk or "office" in self.fields:
            return
        data["office"] = self.user.office
        if data["office"] is None:
            self.add_error(None, _("You have no office: ask an administrator."))


class SessionForm(OfficeOfTheUserMixin, LengthChecked, forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "kind",
            "training_topic",
            "topic",
            "date",
            "city",
            "office",
            "partner",
            "facilitator",
            "unregistered_attendees",
        ]
        widgets = {"date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not can_choose_office(user):
            del self.fields["office"]
        self.fields["unregistered_attendees"].validators.append(MaxValueValidator(10000))

    def clean_date(self):
        return check_programme_date(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Session.Kind.TRAINING and not data.get("training_topic"):
            self.add_error("training_topic", _("Choose the training topic."))
        if data.get("kind") == Session.Kind.AWARENESS:
            data["training_topic"] = ""
        self._office_of_the_user(data)
        return data


class IdsField(forms.Field):
    """Record ids posted under one name (``present=3&present=7``), as a sorted list."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("This list names someone unknown."),
        "too_many": _("At most %(max)s people at once."),
    }

    def __init__(self, *, max_ids: int = 1000, **kwargs):
        self.max_ids = max_ids
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > self.max_ids:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_ids})
        ids = set()
        for v in values:
            text = str(v).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.add(int(text))
        return sorted(ids)


class AttendanceRegisterForm(LengthChecked, forms.Form):
    """The session's register: ``shown`` the people the list showed, ``present`` those
    ticked; the others shown are marked absent."""

    shown = IdsField()
    present = IdsField(widget=forms.CheckboxSelectMultiple)

    def clean(self):
        data = super().clean()
        if "shown" in data and "present" in data and not set(data["present"]) <= set(data["shown"]):
            self.add_error(None, _("The register changed while you were ticking it: tick it again."))
        return data


class ProjectForm(OfficeOfTheUserMixin, LengthChecked, forms.ModelForm):
    class Meta:
        model = BusinessProject
        fields = ["title", "activity", "sector", "legal_form", "city", "office", "own_contribution"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not can_choose_office(user):
            del self.fields["office"]
        field = self.fields["own_contribution"]
        field.min_value = Decimal(0)
        field.validators += [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_UNIT_COST * 10)]

    def clean(self):
        data = super().clean()
        self._office_of_the_user(data)
        return data

    def clean_own_contribution(self):
        value = self.cleaned_data["own_contribution"]
        if self.instance.pk:
            from projects.selectors import budget_total

            total = budget_total(self.instance)
            if total and value > total:
                raise forms.ValidationError(
                    _("The own contribution cannot exceed the budget total (%(total)s MAD)."),
                    params={"total": total},
                )
        return value


class _PickedInput(forms.HiddenInput):
    """The hidden field and the picker's buttons share a name: the non-empty value wins."""

    def value_from_datadict(self, data, files, name):
        values = [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else [data.get(name)]
        return values[-1] if values else None


class MemberForm(LengthChecked, forms.Form):
    """A member, picked from the name search (``refugee``, the picker's button) or typed by
    UNHCR number."""

    refugee = forms.IntegerField(required=False, widget=_PickedInput)
    unhcr_number = forms.CharField(
        label=_("UNHCR individual number"),
        max_length=20,
        required=False,
        help_text=_("For example RAB-18C01234, or search by name above."),
    )
    is_lead = forms.BooleanField(label=_("Lead member"), required=False)
    share_percent = forms.DecimalField(
        label=_("Share (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(100)
    )

    def __init__(self, *args, refugees, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.refugees = refugees
        self.project = project
        self.refugee = None

    def clean_unhcr_number(self):
        value = self.cleaned_data["unhcr_number"]
        return normalise_unhcr_number(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        pk, number = cleaned.get("refugee"), cleaned.get("unhcr_number")
        if pk:
            refugee = self.refugees.filter(pk=pk).first()
        elif number:
            refugee = self.refugees.filter(unhcr_individual_number=number).first()
        elif "unhcr_number" in cleaned:
            self.add_error("unhcr_number", _("Pick a person by name or type their UNHCR number."))
            return cleaned
        else:
            return cleaned
        if refugee is None:
            self.add_error("unhcr_number", _("No registered refugee with this number in your scope."))
        elif self.project.members.filter(refugee=refugee).exists():
            self.add_error("unhcr_number", _("This person is already a member of this project."))
        elif (other := active_project_of(refugee, exclude_project=self.project)) is not None:
            self.add_error(
                "unhcr_number",
                _("%(person)s is already a member of the active project %(reference)s “%(title)s”.")
                % {"person": refugee.full_name_latin, "reference": other.reference, "title": other.title},
            )
        else:
            self.refugee = refugee
        return cleaned


class MemberSharesForm(LengthChecked, forms.Form):
    """Every member's share of a draft, edited in place in the members table (one field
    ``share_<member pk>`` each); the total is checked here and by the service."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            name = f"share_{member.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Share (%%) of %(name)s") % {"name": member.refugee.full_name_latin},
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                initial=member.share_percent,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100", "form": "shares-form"}),
            )
            member.share_field = name

    def bound_rows(self):
        """(member, its share field) for the table."""
        return [(m, self[m.share_field]) for m in self.members]

    def shares(self) -> dict:
        return {m.pk: self.cleaned_data[m.share_field] for m in self.members}

    def clean(self):
        data = super().clean()
        values = [data.get(m.share_field) for m in self.members]
        if all(v is not None for v in values) and sum(values, Decimal(0)) > 100:
            self.add_error(
                None,
                _("The members' shares would add up to %(total)s %%: together they can have at most 100 %%.")
                % {"total": formats.number_format(sum(values, Decimal(0)), 2)},
            )
        return data


class BudgetLineForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "quantity", "unit_cost"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].validators += [
            MinValueValidator(Decimal("0.01"), message=_("The quantity must be more than zero.")),
            MaxValueValidator(MAX_QUANTITY, message=_("This quantity is not plausible.")),
        ]
        self.fields["unit_cost"].validators += [
            MinValueValidator(Decimal("0.01"), message=_("The unit cost must be more than zero.")),
            MaxValueValidator(MAX_UNIT_COST, message=_("This unit cost is not plausible (over 1,000,000 MAD).")),
        ]

    def clean(self):
        data = super().clean()
        qty, cost = data.get("quantity"), data.get("unit_cost")
        if qty and cost and qty * cost > MAX_UNIT_COST:
            raise forms.ValidationError(_("This line's total is not plausible (over 1,000,000 MAD)."))
        return data


class StudyForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = FeasibilityStudy
        fields = [
            "market",
            "competition",
            "expected_monthly_revenue",
            "expected_monthly_costs",
            "opinion",
            "opinion_text",
            "document",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].validators.append(validate_document)
        self.fields["document"].widget = forms.FileInput()
        self.fields["document"].help_text = _("PDF, JPEG or PNG, at most %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}
        for name in ("expected_monthly_revenue", "expected_monthly_costs"):
            self.fields[name].validators += [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_UNIT_COST)]


class CooperativeForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [
            "proposed_name",
            "name_approval_date",
            "name_approval_reference",
            "registration_date",
            "registration_number",
        ]
        widgets = {"name_approval_date": DATE, "registration_date": DATE}

    def clean(self):
        data = super().clean()
        approved, registered = data.get("name_approval_date"), data.get("registration_date")
        if registered and not approved:
            self.add_error("registration_date", _("Record the ODCO name approval before the registration."))
        elif registered and approved and registered < approved:
            self.add_error("registration_date", _("The registration cannot precede the name approval."))
        if approved and not data.get("name_approval_reference"):
            self.add_error("name_approval_reference", _("Give the ODCO reference."))
        if registered and not data.get("registration_number"):
            self.add_error("registration_number", _("Give the registration number."))
        return data


class TransitionForm(LengthChecked, forms.Form):
    """Confirms a move; ``expected`` is the status the user saw (a stale page is refused)."""

    expected = forms.ChoiceField(choices=ProjectStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(TransitionForm):
    """A programme manager closes a funded or operating project, with its outcome."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=ProjectOutcome.choices)
    comment = forms.CharField(label=_("Why the project is closed"), widget=forms.Textarea(attrs={"rows": 2}))


def committee_members():
    return User.objects.filter(groups__name=Role.COMMITTEE_MEMBER, is_active=True).order_by("last_name", "username")


class SittingForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = CommitteeSitting
        fields = ["date", "location", "quorum", "chair", "deputy_chair", "members"]
        widgets = {"date": DATE, "members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = committee_members()
        self.fields["deputy_chair"].queryset = committee_members()
        self.fields["members"].queryset = committee_members()
        self.fields["quorum"].validators += [MinValueValidator(1), MaxValueValidator(50)]

    def clean_date(self):
        return check_programme_date(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        chair, members, quorum = data.get("chair"), data.get("members"), data.get("quorum")
        if chair is not None and members is not None and quorum:
            count = len({*members, chair})
            if quorum > count:
                self.add_error("quorum", _("The quorum cannot exceed the number of members (%(n)s).") % {"n": count})
        deputy = data.get("deputy_chair")
        if deputy is not None and chair is not None and members is not None:
            if deputy == chair:
                self.add_error("deputy_chair", _("The deputy chair is another member than the chair."))
            elif deputy not in members:
                self.add_error("deputy_chair", _("The deputy chair must be one of the sitting's members."))
        return data


class SittingAttendanceForm(LengthChecked, forms.Form):
    """Who of the sitting's members is present (ticked from the list of members)."""

    present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, sitting, present=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = sitting.members.order_by("last_name", "username")
        if not self.is_bound:
            present = sitting.present.all() if present is None else present
            self.initial["present"] = [m.pk for m in present]


class AgendaAddForm(LengthChecked, forms.Form):
    project = TypedModelChoiceField(
        label=_("Project"),
        queryset=BusinessProject.objects.none(),
        code_field="reference",
        help_text=_("The reference of a submitted project, for example PRJ-26-00012."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects.filter(status=ProjectStatus.SUBMITTED).order_by("reference")


class ScoreForm(LengthChecked, forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name} (×{c.weight.normalize()})",
                min_value=0,
                max_value=10,
                error_messages={
                    "min_value": _("A score runs from 0 to 10."),
                    "max_value": _("A score runs from 0 to 10."),
                },
            )

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class ConflictForm(LengthChecked, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(LengthChecked, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=CommitteeDecision.Decision.choices)
    approved_amount = MoneyFormField(
        label=_("Approved amount (MAD)"), required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Reason (rejection) or requests (return)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, requested: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested = requested

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == CommitteeDecision.Decision.APPROVED:
            amount = data.get("approved_amount")
            if amount is None:
                self.add_error("approved_amount", _("Give the approved amount."))
            elif self.requested is not None and amount > self.requested:
                self.add_error(
                    "approved_amount",
                    _("The approved amount cannot exceed the amount requested (%(requested)s MAD).")
                    % {"requested": self.requested},
                )
        elif decision and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason or the requests."))
        return data
