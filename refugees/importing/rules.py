"""The validation of an import row: what a valid row is, said once.

A row of the file is valid when :class:`RefugeeImportRowForm` accepts it: the profile form's
rules (``refugees.forms.RefugeeForm``: the model's lengths and choices, the names' script,
the dates, the year of birth, the household size, birth date against year and arrival)
with the import's own on top, all in this class:

* the UNHCR numbers' and the phone's format (the profile form checks them through the
  model, which the row form skips for speed), a number already registered is an error;
* city, nationality and office are looked up by code or name (no query per row);
* the dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY`` whatever the user's language, the intake
  date is required;
* the office: empty means the user's own; a caseworker imports only into their own office
  (``refugees.access.can_register_refugee``, the rule of the profile form and the services);

and, across the rows, one: the same UNHCR number twice is an error on the later row
(:func:`check_rows`). How a cell becomes a form value (``oui`` for a ticked box, ``f`` for
``F``, comma-separated codes) is :func:`row_data`.

:class:`FastRowCheck` is not a second set of rules: it runs this form's own fields and
``clean_*`` methods without the bound-form machinery (a bound form costs about 0.5 ms a
row), for the common case. It returns exactly the form's cleaned data or ``None`` (then the
form runs and gives its errors, so the messages are always the form's);
``tests/refugees/test_import_fast_path.py`` checks with hypothesis that whatever it accepts,
the form accepts with the same data.
"""

import datetime
import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import connection
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.models import City, Office, User
from refugees.access import can_register_refugee
from refugees.forms import RefugeeForm
from refugees.models import Refugee
from refugees.services import PROFILE_FIELDS
from refugees.validators import normalise_unhcr_number, validate_individual_number, validate_phone

# The profile's fields, but the region (read from the city) and the caseworker (assigned later).
COLUMNS = [f for f in PROFILE_FIELDS if f not in ("region", "caseworker")]
_COLUMN_SET = frozenset(COLUMNS)
TRUE_VALUES = {"1", "yes", "y", "true", "oui", "o", "x", "نعم"}
# The sex as a code or a word (never cut to its first letter).
SEX_VALUES = {"f": "F", "female": "F", "femme": "F", "أنثى": "F", "m": "M", "male": "M", "homme": "M", "ذكر": "M"}
# The documented formats, whatever the user's language (a French user's 05/06 is the same
# day as an English user's).
IMPORT_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Rows checked per look-up of the numbers already registered (the file is streamed).
CHECK_CHUNK = 2000


@dataclass
class RowResult:
    line: int  # the spreadsheet's line number (the header is line 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    duplicate_ids: list[int] = field(default_factory=list)  # registered people it resembles
    candidates: list[Refugee] = field(default_factory=list)  # the registered people, for the preview
    data: dict | None = None


@functools.lru_cache(maxsize=16)
def _known_columns(header: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...], Callable | None, int]:
    """The header's known columns: (names, positions, a getter of those cells, the row
    length the getter needs), worked out once per header."""
    known = [(i, h) for i, h in enumerate(header) if h in _COLUMN_SET]
    names, positions = tuple(h for _i, h in known), tuple(i for i, _h in known)
    getter = operator.itemgetter(*positions) if len(positions) > 1 else None
    return names, positions, getter, (positions[-1] + 1 if positions else 0)


def row_data(header: list[str], row: list[str]) -> tuple[dict[str, str], dict]:
    """(the row's cells by column, the form data they stand for)."""
    names, positions, cells, needed = _known_columns(tuple(header))
    if cells is not None and len(row) >= needed:
        values = dict(zip(names, cells(row), strict=True))
    else:  # a short row: its missing cells are empty
        values = {h: (row[i] if i < len(row) else "") for i, h in zip(positions, names, strict=True)}
    data: dict = dict(values)
    sex = values.get("sex", "").strip()
    data["sex"] = SEX_VALUES.get(sex.lower(), sex)  # a word read whole: "Mxyz" is an error, not "M"
    data["nationality"] = values.get("nationality", "").upper()
    for key in ("legal_status", "education_level", "referral_source"):
        data[key] = values.get(key, "").lower()
    data["languages"] = [v.strip() for v in values.get("languages", "").split(",") if v.strip()]
    data["specific_needs"] = [v.strip() for v in values.get("specific_needs", "").split(",") if v.strip()]
    data["date_of_birth_estimated"] = values.get("date_of_birth_estimated", "").strip().lower() in TRUE_VALUES
    data["household_size"] = values.get("household_size") or "1"
    return values, data


class LookupChoiceField(forms.Field):
    """A choice looked up in a prepared dict (by code, slug or name): no query per row."""

    default_error_messages = {"invalid_choice": _("Unknown value “%(value)s”.")}

    def __init__(self, *, lookup: dict, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | str) and str(value).strip().lower() in self.lookup:
            return self.lookup[str(value).strip().lower()]
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class RefugeeImportRowForm(RefugeeForm):
    """One spreadsheet row: the profile form's rules, with lookups instead of queries."""

    def __init__(self, *args, user: User, cities: dict, offices: dict, existing_numbers: set[str], **kwargs):
        self.existing_numbers = existing_numbers
        super().__init__(*args, user=user, **kwargs)
        for name in ("confirm_different", "duplicate_ids", "region", "caseworker"):
            self.fields.pop(name, None)
        self.fields["city"] = LookupChoiceField(lookup=cities, required=False, label=capfirst(_("city")))
        self.fields["nationality"] = LookupChoiceField(
            lookup={code.lower(): code for code, _name in countries}, label=self.fields["nationality"].label
        )
        self.fields["office"] = LookupChoiceField(lookup=offices, required=False, label=capfirst(_("office")))
        self.fields["intake_date"].required = True
        for name in ("date_of_birth", "arrival_date", "intake_date"):
            self.fields[name].input_formats = IMPORT_DATE_FORMATS

    # The model's validators (format of the numbers and the phone) run in the profile
    # form's model validation, which this form skips (see _post_clean): run them here.
    def clean_unhcr_individual_number(self) -> str:
        number = normalise_unhcr_number(self.cleaned_data.get("unhcr_individual_number", ""))
        validate_individual_number(number)
        if number in self.existing_numbers:
            raise ValidationError(_("A profile with this UNHCR number already exists."), code="unhcr_exists")
        return number

    def clean_unhcr_case_number(self) -> str:
        return super().clean_unhcr_case_number()  # normalised and checked as a group's number

    def clean_phone(self) -> str:
        phone = super().clean_phone()
        if phone:
            validate_phone(phone)
        return phone

    def clean_office(self):
        office = self.cleaned_data.get("office")
        if office is None:
            if self.user.office is None:
                raise ValidationError(_("Enter the office code."), code="required")
            return self.user.office
        if not can_register_refugee(self.user, office=office):
            raise ValidationError(_("You can only import people for your own office."), code="office_scope")
        return office

    def clean(self):
        data = super().clean()
        if data.get("city") is not None:
            data["region"] = data["city"].region
        return data

    def _post_clean(self):
        # The form fields carry the model's lengths and choices, the clean methods above its
        # validators, and the lookups already resolved city and office: skip the model's
        # per-row queries (foreign key existence, check constraints) so a big file stays
        # fast. The database constraints still guard the commit.
        pass

    def profile_data(self) -> dict:
        return dict(self.cleaned_data)


class _UnsureError(Exception):
    """The fast check leaves this row to the form."""


def _choice_values(field: forms.ChoiceField) -> set[str]:
    values = set()
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            values.update(str(k) for k, _label in label)
        else:
            values.add(str(key))
    return values


def _fast_clean(field: forms.Field) -> Callable:
    """``field.clean`` itself, or where it is slow a quicker equivalent that raises
    ``_UnsureError`` rather than differ: the choice fields compare against a set instead of
    walking their choices, the look-ups look up, the text and integer fields test their own
    limits without the validator calls, the date fields read a value in the exact shape of
    one of their formats without strptime (``_DATE_SHAPES``; any other value goes to the
    field). Django's semantics of each kind of field, with the field's own
    parameters: no rule of ours."""
    if isinstance(field, forms.MultipleChoiceField):
        valid = _choice_values(field)

        def clean_multiple(value):
            if not value:
                if field.required:
                    raise _UnsureError
                return []
            if not isinstance(value, list | tuple) or any(str(v) not in valid for v in value):
                raise _UnsureError
            return [str(v) for v in value]

        return clean_multiple
    if isinstance(field, forms.ChoiceField):
        valid = _choice_values(field) - {""}
        coerce = getattr(field, "coerce", str)
        empty = getattr(field, "empty_value", "")

        def clean_choice(value):
            if value in field.empty_values:
                if field.required:
                    raise _UnsureError
                return empty
            if str(value) not in valid:
                raise _UnsureError
            return coerce(str(value))

        return clean_choice
    if isinstance(field, LookupChoiceField):
        lookup = field.lookup

        def clean_lookup(value):
            if value in field.empty_values:
                if field.required:
                    raise _UnsureError
                return None
            if not isinstance(value, int | str):
                raise _UnsureError
            return lookup[str(value).strip().lower()]  # KeyError: unknown, left to the form

        return clean_lookup
    if type(field) is forms.IntegerField and not field.localize:
        decimal = re.compile(field.re_decimal.pattern)
        lowest = [v.limit_value for v in field.validators if type(v) is MinValueValidator]
        highest = [v.limit_value for v in field.validators if type(v) is MaxValueValidator]
        others = [v for v in field.validators if type(v) not in (MinValueValidator, MaxValueValidator)]

        def clean_integer(value):
            if value in field.empty_values:
                if field.required:
                    raise _UnsureError
                return None
            number = int(decimal.sub("", str(value)))  # ValueError: left to the form
            if any(number < limit for limit in lowest) or any(number > limit for limit in highest):
                raise _UnsureError
            for validator in others:
                validator(number)
            return number

        return clean_integer
    if type(field) is forms.CharField:
        limit = field.max_length
        builtin = MaxLengthValidator | ProhibitNullCharactersValidator
        others = [v for v in field.validators if not isinstance(v, builtin)]

        def clean_text(value):
            if value not in field.empty_values:
                value = str(value)
                if field.strip:
                    value = value.strip()
            if value in field.empty_values:
                if field.required:
                    raise _UnsureError
                return field.empty_value
            if (limit is not None and len(value) > limit) or "\x00" in value:
                raise _UnsureError
            for validator in others:
                validator(value)
            return value

        return clean_text
    if isinstance(field, forms.DateField) and not field.validators:
        # The field tries its formats in order with strptime; a value of digits in the exact
        # shape of one of them is that format's date (or invalid for all: then the field runs).
        shapes = [_DATE_SHAPES.get(f) for f in field.input_formats]
        if shapes and all(shapes):

            def clean_date(value):
                if not isinstance(value, str) or value in field.empty_values:
                    return field.clean(value)
                stripped = value.strip()
                for shape, order in shapes:
                    match = shape.fullmatch(stripped)
                    if match is not None:
                        parts = match.groups()
                        try:
                            return datetime.date(*(int(parts[i]) for i in order))
                        except ValueError:
                            break
                return field.clean(value)

            return clean_date
    return field.clean


# strptime formats as the exact shape of their digits: (pattern, which groups are year,
# month, day).
_DATE_SHAPES = {
    "%Y-%m-%d": (re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII), (0, 1, 2)),
    "%d/%m/%Y": (re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII), (2, 1, 0)),
}


def _value_from(widget: forms.Widget) -> Callable | None:
    """The widget's ``value_from_datadict``, or ``None`` where it is ``data.get(name)``."""
    single = type(widget).value_from_datadict is forms.Widget.value_from_datadict or (
        isinstance(widget, forms.widgets.ChoiceWidget)
        and not widget.allow_multiple_selected
        and type(widget).value_from_datadict is forms.widgets.ChoiceWidget.value_from_datadict
    )
    return None if single else widget.value_from_datadict


# The fields whose ``clean_<field>`` depends on more than the value and the form's set-up
# (the user, today, the look-ups): the numbers already registered change per chunk.
NOT_MEMOISED = {"unhcr_individual_number"}
# Distinct values remembered per column (a file repeats its cities, dates, codes; its
# numbers and phones it does not, and those stop being remembered at this many).
MEMO_SIZE = 1024


class FastRowCheck:
    """``RefugeeImportRowForm``'s own fields and clean methods, without the bound form.

    ``clean(data)`` returns exactly the form's ``profile_data()`` for a row it finds valid
    and ``None`` for anything else (the caller then runs the form, which gives the errors).
    The steps are the form's (Django's ``full_clean``): each field's value from its widget,
    the field's ``clean``, the form's ``clean_<field>``, then the form's ``clean``; none of
    the rules is written here. What a field and its ``clean_<field>`` made of a value is
    remembered per column (``MEMO_SIZE`` values; successes only, so a refused value runs
    again and the form gives its error), but for ``NOT_MEMOISED``.
    """

    def __init__(self, form: RefugeeImportRowForm):
        self.form = form
        self.plan = [
            (
                name,
                _value_from(f.widget),
                _fast_clean(f),
                getattr(form, f"clean_{name}", None),
                None if name in NOT_MEMOISED else {},
            )
            for name, f in form.fields.items()
        ]

    def clean(self, data: dict) -> dict | None:
        form = self.form
        form.cleaned_data = cleaned = {}
        form._errors = ErrorDict()
        files, get = form.files, data.get
        try:
            for name, value_from, clean_field, clean_method, memo in self.plan:
                value = get(name) if value_from is None else value_from(data, files, name)
                if memo is not None:
                    key = tuple(value) if type(value) is list else value
                    if key in memo:
                        known = memo[key]
                        cleaned[name] = list(known) if type(known) is list else known
                        continue
                cleaned[name] = clean_field(value)
                if clean_method is not None:
                    cleaned[name] = clean_method()
                if memo is not None and len(memo) < MEMO_SIZE:
                    known = cleaned[name]
                    memo[key] = list(known) if type(known) is list else known
            result = form.clean()
            if form._errors:
                return None
            if result is not None:
                form.cleaned_data = result
            return form.profile_data()
        except (ValidationError, _UnsureError, KeyError, ValueError, TypeError):
            return None
        finally:
            form._errors = None  # the form is re-bound for the next row


def row_checkers(*, user: User, existing_numbers: set[str]) -> tuple[RefugeeImportRowForm, FastRowCheck]:
    """The row form (errors, unusual rows) and its fast path, with the lookups they share."""
    cities: dict = {}
    for city in City.objects.select_related("region"):
        for key in (city.slug, city.name_fr, city.name_ar, city.name_en):
            cities[key.strip().lower()] = city
    offices = {o.code.lower(): o for o in Office.objects.all()}
    # One form for the whole file, re-bound for each row: building a form copies its
    # fields (250 countries...), which would dominate the time of a big import.
    form = RefugeeImportRowForm(data={}, user=user, cities=cities, offices=offices, existing_numbers=existing_numbers)
    return form, FastRowCheck(form)


def check_rows(
    *, user: User, header: list[str], rows: Iterable[list[str]], chunk: int = CHECK_CHUNK
) -> Iterator[tuple[int, dict[str, str], dict | None, list[tuple[str, str]]]]:
    """Every row through the rules, streamed: (line, cells, cleaned data or ``None``, errors
    as (column label, message)).

    The rows are read ``chunk`` at a time: one query per chunk finds the numbers already
    registered, so the whole file is never held.
    """
    col = header.index("unhcr_individual_number")
    form, fast = row_checkers(user=user, existing_numbers=set())
    label = str(form.fields["unhcr_individual_number"].label)
    seen: dict[str, int] = {}
    line = 1
    for batch in _batches(rows, chunk):
        numbers = {normalise_unhcr_number(r[col]) for r in batch if len(r) > col}
        form.existing_numbers = _registered(numbers)
        for row in batch:
            line += 1
            values, data = row_data(header, row)
            errors: list[tuple[str, str]] = []
            cleaned = fast.clean(data)
            if cleaned is None:
                form.data, form._errors = data, None
                if form.is_valid():
                    cleaned = form.profile_data()
            if cleaned is not None:
                number = cleaned["unhcr_individual_number"]
                if number in seen:
                    errors.append(
                        (label, gettext("The same UNHCR number is already on line %(line)s.") % {"line": seen[number]})
                    )
                else:
                    seen[number] = line
            else:
                for name, messages in form.errors.items():
                    field_label = str(form.fields[name].label) if name in form.fields else gettext("Row")
                    errors.extend((field_label, str(message)) for message in messages)
            yield line, values, cleaned, errors


def _registered(numbers: set[str]) -> set[str]:
    """Which of ``numbers`` are registered: one query (on PostgreSQL one array parameter,
    not 2,000 placeholders the ORM would prepare one by one)."""
    if connection.vendor != "postgresql":
        return set(
            Refugee.objects.filter(unhcr_individual_number__in=numbers).values_list(
                "unhcr_individual_number", flat=True
            )
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unhcr_individual_number FROM {Refugee._meta.db_table} WHERE unhcr_individual_number = ANY(%s)",  # noqa: S608 - the model's table
            [sorted(numbers)],
        )
        return {number for (number,) in cursor.fetchall()}


def _batches(rows: Iterable[list[str]], size: int) -> Iterator[list[list[str]]]:
    batch: list[list[str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
