"""Spreadsheet import of registrations: parse, dry-run, commit (all or nothing).

The uploaded file is kept in private storage between the preview and the commit, under
``imports/<user id>/<token>.<ext>``: the token only works for the user who uploaded it.
Each row goes through the same validation as the profile form (``RefugeeImportRowForm``).
"""

import csv
import datetime
import io
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.models import City, Office, User
from core.storage import private_storage
from refugees.forms import RefugeeImportRowForm
from refugees.models import DuplicateConfirmation, Refugee
from refugees.names import name_key
from refugees.selectors import probable_duplicates_bulk, probe_for
from refugees.validators import normalise_unhcr_number

COLUMNS = [
    "unhcr_individual_number",
    "unhcr_case_number",
    "first_name_latin",
    "last_name_latin",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "date_of_birth",
    "birth_year",
    "date_of_birth_estimated",
    "nationality",
    "legal_status",
    "arrival_date",
    "city",
    "phone",
    "languages",
    "education_level",
    "previous_occupation",
    "skills",
    "household_size",
    "specific_needs",
    "referral_source",
    "intake_date",
    "office",
]
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
    duplicate_ids: list[int] = field(default_factory=list)
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
        return [r for r in self.rows if r.duplicate_ids]

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
    with private_storage.open(path, "rb") as fh:
        return fh.read(), path.rsplit(".", 1)[-1]


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


def validate_import(*, user: User, content: bytes, ext: str) -> ImportResult:
    try:
        header, rows = read_rows(content, ext)
    except ImportFileError as exc:
        return ImportResult(rows=[], file_errors=[str(exc)])
    cities: dict = {}
    for city in City.objects.select_related("region"):
        for key in (city.slug, city.name_fr, city.name_ar, city.name_en):
            cities[key.strip().lower()] = city
    offices = {o.code.lower(): o for o in Office.objects.all()}
    col = header.index("unhcr_individual_number")
    numbers = {normalise_unhcr_number(r[col]) for r in rows if len(r) > col}
    existing = set(
        Refugee.objects.filter(unhcr_individual_number__in=numbers).values_list("unhcr_individual_number", flat=True)
    )
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    # One form for the whole file, re-bound for each row: building a form copies its
    # fields (250 countries...), which would dominate the time of a big import.
    form = RefugeeImportRowForm(data={}, user=user, cities=cities, offices=offices, existing_numbers=existing)
    for n, row in enumerate(rows, start=2):
        values, data = _row_data(header, row)
        form.data, form._errors = data, None
        result = RowResult(line=n, values=values)
        if form.is_valid():
            result.data = form.profile_data()
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
    duplicates = {r.pk: r for r in Refugee.objects.filter(pk__in=all_ids).select_related("office")}
    return ImportResult(rows=results, duplicates=duplicates)


@transaction.atomic
def import_commit(*, user: User, result: ImportResult, confirm_different: bool) -> list[Refugee]:
    """Create every row of a valid import, or nothing."""
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
    created = bulk_create_with_history(objs, Refugee, batch_size=1000, default_user=user)
    if result.flagged_rows:
        numbers = {r.data["unhcr_individual_number"]: r for r in result.flagged_rows}
        pks = dict(
            Refugee.objects.filter(unhcr_individual_number__in=numbers).values_list("unhcr_individual_number", "pk")
        )
        DuplicateConfirmation.objects.bulk_create(
            [
                DuplicateConfirmation(refugee_id=pks[number], other_id=other, confirmed_by=user)
                for number, row in numbers.items()
                for other in row.duplicate_ids
            ],
            ignore_conflicts=True,
        )
    return created
