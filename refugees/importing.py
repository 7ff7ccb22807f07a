"""Spreadsheet import of registrations: parse, dry-run, commit (all or nothing).

The uploaded file is kept in private storage between the preview and the commit, under
``imports/<user id>/<token>.<ext>``: the token only works for the user who uploaded it.
Each row goes through the same validation as the profile form (``RefugeeImportRowForm``).
"""

import csv
import datetime
import io
import logging
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.models import City, Office, User
from core.roles import is_manager
from core.signals import records_bulk_written
from core.storage import private_storage
from refugees.forms import EARLIEST_DATE, PROGRAMME_START, RefugeeImportRowForm, _clean_name
from refugees.models import DuplicateConfirmation, Refugee
from refugees.names import name_key
from refugees.selectors import probable_duplicates_bulk, probable_duplicates_within, probe_for
from refugees.services import PROFILE_FIELDS
from refugees.validators import UNHCR_NUMBER_RE, normalise_phone, normalise_unhcr_number, validate_phone

logger = logging.getLogger(__name__)

# The profile's fields, but the region (read from the city) and the caseworker (assigned later).
COLUMNS = [f for f in PROFILE_FIELDS if f not in ("region", "caseworker")]
REQUIRED_COLUMNS = {"unhcr_individual_number", "first_name_latin", "last_name_latin", "sex", "nationality"}
MAX_ROWS = 20000
TRUE_VALUES = {"1", "yes", "y", "true", "oui", "o", "x", "نعم"}


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, no header, too many rows)."""


@dataclass
class RowResult:
    line: int  # the spreadsheet's line number (the header is line 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    duplicate_ids: list[int] = field(default_factory=list)  # registered people it resembles
    file_duplicate_lines: list[int] = field(default_factory=list)  # rows of the file it resembles
    candidates: list[Refugee] = field(default_factory=list)  # the registered people, for the preview
    data: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    duplicates: dict[int, Refugee] = field(default_factory=dict)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def flagged_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.duplicate_ids or r.file_duplicate_lines]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows


# --- storage ----------------------------------------------------------------------------
def store_upload(*, user: User, upload) -> str:
    token = uuid.uuid4().hex
    ext = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    private_storage.save(f"imports/{user.pk}/{token}{ext}", upload)
    return token


def _stored_path(*, user: User, token: str) -> str | None:
    if not token or len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        return None
    for ext in (".csv", ".xlsx"):
        path = f"imports/{user.pk}/{token}{ext}"
        if private_storage.exists(path):
            return path
    return None


def load_stored(*, user: User, token: str) -> tuple[bytes, str] | None:
    path = _stored_path(user=user, token=token)
    if path is None:
        return None
    try:
        with private_storage.open(path, "rb") as fh:
            return fh.read(), path.rsplit(".", 1)[-1]
    except FileNotFoundError:  # discarded meanwhile (abandoned uploads are cleaned up)
        return None


def discard_abandoned_uploads(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete the import files uploaded for a preview and never confirmed, older than
    ``older_than`` (default: the ``REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS`` setting).

    Idempotent: what is gone is not counted again. Each deletion is logged (user, file, age);
    the file itself held personal data and is not kept. Returns the number of files deleted.
    """
    from django.conf import settings

    if older_than is None:
        older_than = datetime.timedelta(hours=settings.REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS)
    now = timezone.now()
    deleted = 0
    if not private_storage.exists("imports"):
        return 0
    user_dirs, _files = private_storage.listdir("imports")
    for user_dir in user_dirs:
        folder = f"imports/{user_dir}"
        try:
            _dirs, names = private_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            try:
                age = now - private_storage.get_modified_time(path)
            except FileNotFoundError:
                continue
            if age < older_than:
                continue
            private_storage.delete(path)
            deleted += 1
            logger.info(
                "abandoned refugee import upload deleted: user %s, file %s, uploaded %s h ago",
                user_dir,
                name,
                int(age.total_seconds() // 3600),
            )
        try:
            if not any(private_storage.listdir(folder)):
                private_storage.delete(folder)  # an empty folder
        except OSError:
            pass
    return deleted


def discard_stored(*, user: User, token: str) -> None:
    path = _stored_path(user=user, token=token)
    if path:
        private_storage.delete(path)


# --- parsing ----------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def read_rows(content: bytes, ext: str) -> tuple[list[str], list[list[str]]]:
    if ext == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(_("This Excel file cannot be read.")) from exc
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise ImportFileError(_("The workbook has no sheet."))
        raw = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            raw.append([_cell(v) for v in row])
        wb.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file must be saved as UTF-8.")) from exc
        text = text.replace("\x00", "")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            raw = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file cannot be read.")) from exc
        if len(raw) > MAX_ROWS + 1:
            raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    raw = [r for r in raw if any(c for c in r)]
    if not raw:
        raise ImportFileError(_("The file is empty."))
    header = [h.strip().lower().replace(" ", "_") for h in raw[0]]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return header, raw[1:]


# --- validation -------------------------------------------------------------------------
def _row_data(header: list[str], row: list[str]) -> dict:
    values = {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h in COLUMNS}
    data: dict = dict(values)
    data["sex"] = values.get("sex", "").upper()[:1] if values.get("sex") else ""
    data["nationality"] = values.get("nationality", "").upper()
    for key in ("legal_status", "education_level", "referral_source"):
        data[key] = values.get(key, "").lower()
    data["languages"] = [v.strip() for v in values.get("languages", "").split(",") if v.strip()]
    data["specific_needs"] = [v.strip() for v in values.get("specific_needs", "").split(",") if v.strip()]
    data["date_of_birth_estimated"] = values.get("date_of_birth_estimated", "").strip().lower() in TRUE_VALUES
    data["household_size"] = values.get("household_size") or "1"
    return values, data


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FR_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_SMALL_INT = re.compile(r"\d{1,4}")


class FastRowCheck:
    """The common case of ``RefugeeImportRowForm`` without the form machinery.

    ``clean(data)`` returns exactly the form's ``cleaned_data`` for a row it can prove valid
    with the same rules, and ``None`` for anything else: the caller then runs the form,
    which gives the errors (so the messages are always the form's). A hypothesis test
    checks that whenever this accepts a row, the form accepts it with the same data.
    Building and running a bound form costs about 0.5 ms a row; this costs a few dozen µs.
    """

    def __init__(self, form: RefugeeImportRowForm):
        self.form = form
        self.user = form.user
        self.existing = form.existing_numbers
        self.cities = form.fields["city"].lookup
        self.offices = form.fields["office"].lookup
        self.countries = form.fields["nationality"].lookup
        self.today = timezone.localdate()
        self.manager = is_manager(self.user)
        self.choices = {
            name: {str(k) for k, _label in form.fields[name].choices if k != ""}
            for name in ("sex", "legal_status", "education_level", "referral_source", "languages", "specific_needs")
        }

    def _date(self, value: str, *, earliest: datetime.date):
        """(ok, date or None) for an optional date cell."""
        if not value:
            return True, None
        m = _ISO_DATE.fullmatch(value)
        if m:
            y, mo, d = m.groups()
        else:
            m = _FR_DATE.fullmatch(value)
            if not m:
                return False, None
            d, mo, y = m.groups()
        try:
            date = datetime.date(int(y), int(mo), int(d))
        except ValueError:
            return False, None
        return earliest <= date <= self.today, date

    def clean(self, data: dict) -> dict | None:
        get = data.get
        out: dict = {}
        raw = get("unhcr_individual_number", "").strip()
        number = normalise_unhcr_number(raw)
        if len(raw) > 20 or not UNHCR_NUMBER_RE.match(number) or number in self.existing:
            return None
        out["unhcr_individual_number"] = number
        raw = get("unhcr_case_number", "").strip()
        case = normalise_unhcr_number(raw)
        if len(raw) > 20 or (case and not UNHCR_NUMBER_RE.match(case)):
            return None
        out["unhcr_case_number"] = case
        for name, arabic, required in (
            ("first_name_latin", False, True),
            ("last_name_latin", False, True),
            ("first_name_ar", True, False),
            ("last_name_ar", True, False),
        ):
            raw = get(name, "").strip()
            if len(raw) > 100 or (required and not raw):
                return None
            try:
                out[name] = _clean_name(raw, arabic=arabic)
            except ValidationError:
                return None
        for name in ("sex", "legal_status", "referral_source"):
            value = get(name, "")
            if value not in self.choices[name]:
                return None
            out[name] = value
        value = get("education_level", "")
        if value and value not in self.choices["education_level"]:
            return None
        out["education_level"] = value
        ok, dob = self._date(get("date_of_birth", ""), earliest=EARLIEST_DATE)
        if not ok:
            return None
        out["date_of_birth"] = dob
        raw = get("birth_year", "").strip()
        if raw:
            if not _SMALL_INT.fullmatch(raw) or not (1900 <= int(raw) <= self.today.year):
                return None
            year = int(raw)
        else:
            year = None
        if (dob is None and year is None) or (dob and year and dob.year != year):
            return None
        out["birth_year"] = year
        out["date_of_birth_estimated"] = bool(get("date_of_birth_estimated"))
        nationality = self.countries.get(get("nationality", "").strip().lower())
        if nationality is None:
            return None
        out["nationality"] = nationality
        ok, arrival = self._date(get("arrival_date", ""), earliest=EARLIEST_DATE)
        if not ok or (dob and arrival and arrival < dob):
            return None
        out["arrival_date"] = arrival
        raw = get("city", "")
        city = None
        if raw:
            city = self.cities.get(raw.strip().lower())
            if city is None:
                return None
        out["city"] = city
        raw = get("phone", "").strip()
        if len(raw) > 20:
            return None
        phone = normalise_phone(raw) if raw else ""
        if phone:
            try:
                validate_phone(phone)
            except ValidationError:
                return None
        out["phone"] = phone
        for name in ("languages", "specific_needs"):
            values = get(name) or []
            if any(v not in self.choices[name] for v in values):
                return None
            out[name] = list(values)
        for name, limit in (("previous_occupation", 200), ("skills", 2000)):
            value = get(name, "").strip()
            if len(value) > limit:
                return None
            out[name] = value
        raw = get("household_size", "").strip()
        if not _SMALL_INT.fullmatch(raw) or not (1 <= int(raw) <= 50):
            return None
        out["household_size"] = int(raw)
        ok, intake = self._date(get("intake_date", ""), earliest=PROGRAMME_START)
        if not ok or intake is None:
            return None
        out["intake_date"] = intake
        raw = get("office", "")
        if raw:
            office = self.offices.get(raw.strip().lower())
            if office is None or (not self.manager and office.pk != self.user.office_id):
                return None
        else:
            office = self.user.office
            if office is None:
                return None
        out["office"] = office
        if city is not None:
            out["region"] = city.region
        return out


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


def validate_import(*, user: User, content: bytes, ext: str) -> ImportResult:
    try:
        header, rows = read_rows(content, ext)
    except ImportFileError as exc:
        return ImportResult(rows=[], file_errors=[str(exc)])
    col = header.index("unhcr_individual_number")
    numbers = {normalise_unhcr_number(r[col]) for r in rows if len(r) > col}
    existing = set(
        Refugee.objects.filter(unhcr_individual_number__in=numbers).values_list("unhcr_individual_number", flat=True)
    )
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    form, fast = row_checkers(user=user, existing_numbers=existing)
    for n, row in enumerate(rows, start=2):
        values, data = _row_data(header, row)
        result = RowResult(line=n, values=values)
        cleaned = fast.clean(data)
        if cleaned is None:
            form.data, form._errors = data, None
            if form.is_valid():
                cleaned = form.profile_data()
        if cleaned is not None:
            result.data = cleaned
            number = result.data["unhcr_individual_number"]
            if number in seen:
                result.errors.append(
                    (
                        str(form.fields["unhcr_individual_number"].label),
                        _("The same UNHCR number is already on line %(line)s.") % {"line": seen[number]},
                    )
                )
            seen.setdefault(number, n)
        else:
            for name, errors in form.errors.items():
                label = str(form.fields[name].label) if name in form.fields else _("Row")
                for error in errors:
                    result.errors.append((label, str(error)))
        results.append(result)
    ok_rows = [r for r in results if r.data is not None and not r.errors]
    probes = [
        probe_for(
            **{
                k: r.data.get(k)
                for k in (
                    "first_name_latin",
                    "last_name_latin",
                    "first_name_ar",
                    "last_name_ar",
                    "date_of_birth",
                    "birth_year",
                )
            }
        )
        for r in ok_rows
    ]
    found = probable_duplicates_bulk(probes)
    all_ids: set[int] = set()
    for i, ids in found.items():
        ok_rows[i].duplicate_ids = ids
        all_ids.update(ids)
    # Two rows of the file that resemble each other are flagged like a registry candidate.
    for i, others in probable_duplicates_within(probes).items():
        ok_rows[i].file_duplicate_lines = [ok_rows[j].line for j in others]
    duplicates = {r.pk: r for r in Refugee.objects.filter(pk__in=all_ids).select_related("office")}
    for row in ok_rows:
        row.candidates = [duplicates[pk] for pk in row.duplicate_ids if pk in duplicates]
    return ImportResult(rows=results, duplicates=duplicates)


def _history_columns() -> list[str]:
    """The columns a historical row copies from ``refugees_refugee`` (simple-history mirrors them)."""
    own = {f.column for f in Refugee._meta.concrete_fields}
    return [
        f.column
        for f in Refugee.history.model._meta.concrete_fields
        if f.column in own and not f.column.startswith("history_")
    ]


def _create_people(objs: list[Refugee], *, user: User) -> list[Refugee]:
    """Insert the people and their "created" history rows (who, when), in the caller's transaction.

    On PostgreSQL the history rows are copied from the inserted rows by one INSERT ... SELECT,
    instead of preparing every field of 2 x N model instances in Python
    (``bulk_create_with_history``): what is recorded is the same, at half the cost.
    """
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, Refugee, batch_size=1000, default_user=user)
    created = Refugee.objects.bulk_create(objs, batch_size=1000)
    columns = ", ".join(connection.ops.quote_name(c) for c in _history_columns())
    history = connection.ops.quote_name(Refugee.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {columns}, %s, NULL, '+', %s FROM refugees_refugee WHERE id = ANY(%s)""",  # noqa: S608 - column names from the model
            [timezone.now(), user.pk, [r.pk for r in created]],
        )
    return created


@transaction.atomic
def import_commit(*, user: User, result: ImportResult, confirm_different: bool) -> list[Refugee]:
    """Create every row of a valid import, or nothing.

    Flagged rows (probable duplicates of registered people or of another row of the file)
    need ``confirm_different``; the confirmations are recorded (``DuplicateConfirmation``),
    for a pair of rows of the file once, on the later row.
    """
    if not result.valid:
        raise ValidationError(_("The file has errors: nothing was imported."), code="invalid")
    if result.flagged_rows and not confirm_different:
        raise ValidationError(_("Confirm that the flagged rows are different people."), code="unconfirmed")
    objs = []
    for row in result.rows:
        data = row.data
        refugee = Refugee(**{k: v for k, v in data.items() if k not in ("region",) or v is not None})
        refugee.name_key = name_key(refugee.first_name_latin, refugee.last_name_latin)
        if refugee.date_of_birth:
            refugee.birth_year = refugee.date_of_birth.year
        objs.append(refugee)
    created = _create_people(objs, user=user)
    records_bulk_written.send(sender=Refugee)
    if result.flagged_rows:
        by_line = {row.line: person.pk for row, person in zip(result.rows, created, strict=True)}
        confirmations = []
        for row in result.flagged_rows:
            pk = by_line[row.line]
            others = [*row.duplicate_ids, *(by_line[line] for line in row.file_duplicate_lines if line < row.line)]
            confirmations += [DuplicateConfirmation(refugee_id=pk, other_id=o, confirmed_by=user) for o in others]
        DuplicateConfirmation.objects.bulk_create(confirmations, ignore_conflicts=True)
    logger.info(
        "refugee import committed: user %s, %s people, %s flagged rows confirmed",
        user.pk,
        len(created),
        len(result.flagged_rows),
    )
    return created
