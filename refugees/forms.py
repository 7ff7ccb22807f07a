"""Forms of the refugee registry: they validate, the views call the services.

The profile form's rules are also the import's, row by row (``refugees.importing.rules``)."""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.files import validate_document
from core.forms import LengthChecked
from core.models import City, Office, PartnerOrganisation, User
from core.roles import Role, is_manager
from refugees.models import Consent, Language, Refugee, RefugeeDocument, SpecificNeed
from refugees.names import has_arabic
from refugees.services import PROFILE_FIELDS
from refugees.validators import (
    GROUP,
    normalise_phone,
    normalise_unhcr_number,
    validate_case_number,
    validate_individual_number,
)

EARLIEST_DATE = datetime.date(1900, 1, 1)
PROGRAMME_START = datetime.date(2018, 1, 1)
NAME_PUNCTUATION = set(" -'.\u2019")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def _check_past_date(
    value: datetime.date | None, *, earliest: datetime.date = EARLIEST_DATE, today: datetime.date | None = None
) -> None:
    if value is None:
        return
    if value > (today or timezone.localdate()):
        raise ValidationError(_("This date is in the future."), code="future")
    if value < earliest:
        raise ValidationError(
            _("This date is too early: enter a date on or after %(date)s."),
            code="too_early",
            params={"date": earliest.isoformat()},
        )


def _clean_name(value: str, *, arabic: bool) -> str:
    value = " ".join((value or "").split())
    if not value:
        return value
    for ch in value:
        if ch in NAME_PUNCTUATION:
            continue
        if not unicodedata.category(ch).startswith(("L", "M")):
            raise ValidationError(
                _("A name may contain only letters, spaces, hyphens and apostrophes."), code="name_characters"
            )
    if arabic and not has_arabic(value):
        raise ValidationError(_("Write this name in Arabic script."), code="not_arabic")
    if not arabic and has_arabic(value):
        raise ValidationError(
            _("Write this name in Latin script (use the Arabic-script fields for Arabic)."), code="not_latin"
        )
    return value


class RefugeeForm(LengthChecked, forms.ModelForm):
    """Create and edit a profile. The caller passes ``user`` (scopes office and caseworker)."""

    languages = forms.MultipleChoiceField(
        label=capfirst(_("languages")), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    specific_needs = forms.MultipleChoiceField(
        label=capfirst(_("specific needs")),
        choices=SpecificNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    household_size = forms.IntegerField(
        label=capfirst(_("household size")),
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Number of people in the household, including the person (1 to 50)."),
    )
    birth_year = forms.IntegerField(
        label=capfirst(_("year of birth")),
        required=False,
        help_text=_("Only when the exact date of birth is unknown."),
    )
    skills = forms.CharField(
        label=capfirst(_("skills")), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_different = forms.BooleanField(
        label=_("I have compared the profiles above: this is a different person."), required=False
    )
    duplicate_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Refugee
        fields = list(PROFILE_FIELDS)
        widgets = {
            "date_of_birth": DateInput(),
            "arrival_date": DateInput(),
            "intake_date": DateInput(),
            "first_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "last_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "unhcr_individual_number": forms.TextInput(attrs={"placeholder": "803-100016547", "dir": "ltr"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
        }

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        self.today = timezone.localdate()  # a form lives one request (or one import file)
        super().__init__(*args, **kwargs)
        if "intake_date" in self.fields and not self.instance.pk:
            self.fields["intake_date"].initial = timezone.localdate
        if "office" in self.fields:
            if is_manager(user):
                self.fields["office"].queryset = Office.objects.order_by("name_fr")
            else:
                del self.fields["office"]
        if "caseworker" in self.fields:
            staff = User.objects.filter(groups__name=Role.CASEWORKER, is_active=True).order_by("first_name")
            if not is_manager(user):
                staff = staff.filter(office_id=user.office_id)
            self.fields["caseworker"].queryset = staff.distinct()
        if "city" in self.fields and isinstance(self.fields["city"], forms.ModelChoiceField):
            self.fields["city"].queryset = City.objects.select_related("region").order_by("name_fr")
            self._offer_the_regions_cities()
        if self.instance.pk:
            self.initial.setdefault("languages", self.instance.languages)
            self.initial.setdefault("specific_needs", self.instance.specific_needs)

    def _offer_the_regions_cities(self) -> None:
        """The city chooser lists the chosen region's cities (choosing a region reloads it,
        htmx: ``?region=`` on the form's own URL); every city stays valid for the field, so a
        city outside the region gets the form's own message (``clean``)."""
        city = self.fields["city"]
        if "region" in self.fields:
            self.fields["region"].widget.attrs.update(
                {
                    "hx-get": ".",
                    "hx-trigger": "change",
                    "hx-include": "this",
                    "hx-target": "#div_id_city",
                    "hx-select": "#div_id_city",
                    "hx-swap": "outerHTML",
                }
            )
        raw = self.data.get("region") if self.is_bound else self.initial.get("region", self.instance.region_id)
        try:
            region = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            region = None
        if region is not None:
            cities = city.queryset.filter(region_id=region)
            city.widget.choices = [("", city.empty_label), *((c.pk, city.label_from_instance(c)) for c in cities)]

    # --- fields ----------------------------------------------------------------------
    def clean_unhcr_individual_number(self) -> str:
        number = normalise_unhcr_number(self.cleaned_data.get("unhcr_individual_number", ""))
        validate_individual_number(number)
        existing = Refugee.objects.filter(unhcr_individual_number=number).exclude(pk=self.instance.pk).first()
        if existing is not None:
            from refugees.access import refugees_visible_to

            try:
                visible = refugees_visible_to(self.user).filter(pk=existing.pk).exists()
            except Exception:
                visible = False
            if visible:
                from django.urls import reverse

                raise ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("A profile with this UNHCR number already exists."),
                        reverse("refugees:detail", args=[existing.pk]),
                        _("Open the existing profile"),
                    ),
                    code="unhcr_exists",
                )
            raise ValidationError(
                _("A profile with this UNHCR number already exists (in another office)."), code="unhcr_exists"
            )
        return number

    def clean_unhcr_case_number(self) -> str:
        number = normalise_unhcr_number(self.cleaned_data.get("unhcr_case_number", ""), GROUP)
        if number:
            validate_case_number(number)
        return number

    def clean_first_name_latin(self) -> str:
        return _clean_name(self.cleaned_data.get("first_name_latin", ""), arabic=False)

    def clean_last_name_latin(self) -> str:
        return _clean_name(self.cleaned_data.get("last_name_latin", ""), arabic=False)

    def clean_first_name_ar(self) -> str:
        return _clean_name(self.cleaned_data.get("first_name_ar", ""), arabic=True)

    def clean_last_name_ar(self) -> str:
        return _clean_name(self.cleaned_data.get("last_name_ar", ""), arabic=True)

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        _check_past_date(value, today=self.today)
        return value

    def clean_birth_year(self):
        value = self.cleaned_data.get("birth_year")
        if value is not None and not (1900 <= value <= self.today.year):
            raise ValidationError(
                _("Enter a year between 1900 and %(year)s."),
                code="birth_year",
                params={"year": self.today.year},
            )
        return value

    def clean_arrival_date(self):
        value = self.cleaned_data.get("arrival_date")
        _check_past_date(value, today=self.today)
        return value

    def clean_intake_date(self):
        value = self.cleaned_data.get("intake_date")
        _check_past_date(value, earliest=PROGRAMME_START, today=self.today)
        return value

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        return normalise_phone(value) if value else ""

    def clean_duplicate_ids(self) -> list[int]:
        raw = self.cleaned_data.get("duplicate_ids") or ""
        # Every candidate shown is kept (a person may have more than 50 probable duplicates).
        return sorted({int(x) for x in raw.split(",") if x.strip().isdigit() and len(x.strip()) < 19})

    def clean(self):
        data = super().clean()
        dob, year = data.get("date_of_birth"), data.get("birth_year")
        if not dob and not year and "date_of_birth" not in self.errors and "birth_year" not in self.errors:
            self.add_error("date_of_birth", _("Enter the date of birth, or at least the year of birth."))
        if dob and year and dob.year != year:
            self.add_error("birth_year", _("The year of birth does not match the date of birth."))
        arrival = data.get("arrival_date")
        if dob and arrival and arrival < dob:
            self.add_error("arrival_date", _("The arrival date is before the date of birth."))
        city, region = data.get("city"), data.get("region")
        if city and region and city.region_id != region.pk:
            self.add_error("city", _("This city is not in the selected region."))
        if city and not region:
            data["region"] = city.region
        return data

    def validate_unique(self):
        # The UNHCR number is checked in clean_unhcr_individual_number, with a link.
        pass

    def profile_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_different", "duplicate_ids")}
        if "office" not in self.fields and not self.instance.pk:
            data["office"] = self.user.office
        return data


class ConsentForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "partner", "given_on", "notes"]
        widgets = {"given_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerOrganisation.objects.order_by("code")
        self.fields["partner"].help_text = _("Required when the consent is for sharing identifiable data.")
        self.fields["given_on"].initial = timezone.localdate
        self.fields["notes"].max_length = 2000

    def clean_given_on(self):
        value = self.cleaned_data.get("given_on")
        _check_past_date(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("purpose") == Consent.Purpose.SHARE_IDENTIFIABLE and not data.get("partner"):
            self.add_error("partner", _("Name the partner the person agrees to share their data with."))
        if data.get("purpose") == Consent.Purpose.PARTICIPATION:
            data["partner"] = None
        return data

    def _post_clean(self):
        # The model's constraints are checked by the service; skip the instance round trip
        # (the refugee is not set yet).
        pass


class ConsentWithdrawForm(LengthChecked, forms.Form):
    withdrawn_on = forms.DateField(label=capfirst(_("withdrawn on")), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, consent: Consent, **kwargs):
        self.consent = consent
        super().__init__(*args, **kwargs)

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        _check_past_date(value)
        if value < self.consent.given_on:
            raise ValidationError(_("The withdrawal cannot be before the consent was given."), code="before_given")
        return value


class DocumentForm(LengthChecked, forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=RefugeeDocument.Kind.choices)
    file = forms.FileField(
        label=capfirst(_("file")),
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class NoteForm(LengthChecked, forms.Form):
    text = forms.CharField(label=capfirst(_("note")), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ImportUploadForm(LengthChecked, forms.Form):
    file = forms.FileField(
        label=capfirst(_("spreadsheet")),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), with the columns described in the guide."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is too large. The limit is %(limit)s MB."),
                code="file_too_large",
                params={"limit": settings.MAX_UPLOAD_MB},
            )
        if name.endswith(".xlsx"):
            upload.seek(0)
            if upload.read(4) != b"PK\x03\x04":
                raise ValidationError(_("This is not a valid Excel (.xlsx) file."), code="file_type")
            upload.seek(0)
        elif not name.endswith(".csv"):
            raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
        return upload


class ConfirmImportForm(LengthChecked, forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    confirm_different = forms.BooleanField(
        label=_("I have checked the flagged rows: they are different people."), required=False
    )


class AnonymiseForm(LengthChecked, forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm the person asked for their data to be anonymised. This cannot be undone."),
        required=True,
    )
