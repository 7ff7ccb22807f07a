from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import pretty_name
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.models import User


class LoginForm(AuthenticationForm):
    """The login form; axes needs the request, which AuthenticationForm already passes."""

    error_messages = {
        "invalid_login": _("Please enter a correct username and password. Both fields may be case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def clean(self):
        # Checked before authenticate(): a username longer than any account's is refused with
        # the usual message, never recorded by django-axes (its column holds 255 characters).
        username = self.data.get("username", "")
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return super().clean()


class TooLongValidator(MaxLengthValidator):
    """A text longer than its field: refused with the field's name and its limit (Django's
    own message names neither). A ``MaxLengthValidator``, so code that recognises Django's
    (the import's fast path) treats it the same."""

    message = _("“%(field)s” is too long: at most %(limit_value)d characters (this one has %(show_value)d).")

    def __init__(self, limit_value: int, *, field_label):
        super().__init__(limit_value)
        self.field_label = field_label

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "field": self.field_label,
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value,
                },
            )

    def __eq__(self, other):
        return super().__eq__(other) and self.field_label == getattr(other, "field_label", None)


class LengthChecked:
    """Every form of Sanad: a value longer than its field is refused with a message naming
    the field and its limit, never cut. The browser is not asked to cut it either: the
    ``maxlength`` attribute Django puts on text inputs makes a browser drop what is typed or
    pasted past the limit without a word, so it is removed and the server says it instead.

    The fields' lengths are read again before each validation (a form may set a field's
    ``max_length`` after it was built, which Django alone would not enforce);
    ``tests/core/test_lengths_refused_never_cut.py`` checks every form class has this mixin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._check_lengths()

    def full_clean(self):
        self._check_lengths()
        super().full_clean()

    def _check_lengths(self) -> None:
        for name, field in self.fields.items():
            limit = getattr(field, "max_length", None)
            field.widget.attrs.pop("maxlength", None)
            if limit is None or isinstance(field, forms.FileField):  # a file's name: Django bounds it
                continue
            label = field.label or pretty_name(name)
            kept = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators = [*kept, TooLongValidator(int(limit), field_label=label)]


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


class ReminderSettingsForm(LengthChecked, forms.ModelForm):
    class Meta:
        model = User
        fields = ["daily_digest", "language"]


class IdForm(LengthChecked, forms.Form):
    """One record id from a query string or a form (``refugee=42``)."""

    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


def id_from(data, name: str) -> int:
    """The id ``data[name]`` as a number, or 404: "abc", "nan", "4200,50" or nothing name
    no record (never a ``ValueError`` from the database)."""
    form = IdForm({"id": data.get(name, "")})
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["id"]


# The programme's records are dated from 2010 (before the programme began: a late entry of
# an old session still fits) to the end of next year (a session planned ahead).
EARLIEST_YEAR = 2010


def check_programme_date(value):
    """A date of the programme (a session, a sitting): between 2010 and the end of next
    year, or a clear error (years 1 and 9999 are typing slips, not dates)."""
    import datetime

    from django.utils import timezone

    if value is None:
        return value
    last = timezone.localdate().year + 1
    if not (datetime.date(EARLIEST_YEAR, 1, 1) <= value <= datetime.date(last, 12, 31)):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_range",
            params={"first": EARLIEST_YEAR, "last": last},
        )
    return value


class PickerInput(forms.TextInput):
    """A text box with a search-as-you-type list under it: the box asks ``url`` (htmx, its
    own value as the query) and shows the answer (``partials/picker_results.html``) under
    it; a result's button fills the box (``static/js/sanad.js``). Without a URL, a plain box."""

    template_name = "core/widgets/picker_input.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def search_at(self, url: str) -> None:
        self.attrs.update({"hx-get": url, "hx-trigger": "input changed delay:300ms, search", "hx-swap": "innerHTML"})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if "hx-get" in widget_attrs and widget_attrs.get("id"):
            widget_attrs["hx-target"] = f"#{widget_attrs['id']}-results"
            widget_attrs["aria-controls"] = f"{widget_attrs['id']}-results"
        return context


class TypedModelChoiceField(forms.ModelChoiceField):
    """A choice among many rows (projects, people) searched rather than listed: a
    :class:`PickerInput` that takes the row's code (``code_field``, e.g. a project's
    reference, any case) or its id (what a link posts), never a ``<select>`` of every row.
    It validates like a ``ModelChoiceField``: only a row of ``queryset`` (the user's scope)
    is accepted, so an id posted from outside it is refused like a typo."""

    widget = PickerInput

    def __init__(self, *args, code_field: str, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", _("No such record in your scope: check the reference."))
        super().__init__(*args, **kwargs)
        self.code_field = code_field

    def to_python(self, value):
        value = value.strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        text = str(value)[:100]
        lookup = {"pk": int(text)} if text.isdigit() and len(text) < 12 else {f"{self.code_field}__iexact": text}
        found = self.queryset.filter(**lookup).first()
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def prepare_value(self, value):
        """The box shows the code, also when the initial value is an id."""
        if isinstance(value, self.queryset.model):
            return getattr(value, self.code_field)
        text = str(value) if isinstance(value, int | str) else ""
        if text.isdigit() and len(text) < 12:
            code = self.queryset.filter(pk=int(text)).values_list(self.code_field, flat=True).first()
            return code if code is not None else value
        return value
