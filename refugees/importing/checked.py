"""The checked rows of a valid import, kept between the preview and the commit.

The preview writes each valid row, as it will be inserted, to a spool file (CSV, one line a
row, in ``COLUMNS`` order: the file's line, its duplicate group, then the ``refugees_refugee``
columns the import sets, derived ones included: region, name and search keys, birth year).
The commit streams that file into PostgreSQL with ``COPY`` (or reads it back in batches on
SQLite): the rows are never validated twice, and never all held in memory.

Empty cells are ``NULL`` for the nullable columns and ``''`` for the text ones
(``NOT_NULL_TEXT``, COPY's ``FORCE_NOT_NULL``).
"""

import csv
import io
import json
import operator
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from django.db import models

from refugees.models import Refugee
from refugees.names import name_key, search_key
from refugees.services import PROFILE_FIELDS

# The refugees_refugee columns an import writes: the profile's fields a form may set
# (refugees.services.PROFILE_FIELDS) but the caseworker, which an import leaves empty, and
# the derived name keys (the rest take their defaults in the commit).
REFUGEE_COLUMNS = [
    *(Refugee._meta.get_field(name).column for name in PROFILE_FIELDS if name != "caseworker"),
    "name_key",
    "search_key",
]
COLUMNS = ["line", "grp", *REFUGEE_COLUMNS]
_FIELDS = {f.column: f for f in Refugee._meta.concrete_fields}
NOT_NULL_TEXT = [
    c for c in REFUGEE_COLUMNS if not _FIELDS[c].null and isinstance(_FIELDS[c], models.CharField | models.TextField)
]
NULLABLE = {c for c in REFUGEE_COLUMNS if _FIELDS[c].null}
# The columns written as the row's cleaned data has them (the foreign keys are read from the objects).
_AS_CLEANED = [c for c in REFUGEE_COLUMNS if not c.endswith("_id")]
JSON_COLUMNS = {c for c in REFUGEE_COLUMNS if isinstance(_FIELDS[c], models.JSONField)}


def _text(value) -> str | None:
    if type(value) is str:
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def refugee_values(data: dict) -> dict:
    """The column values of a person created from a row's cleaned data, with what the
    registration service derives for one person (``refugees.services._derive``,
    ``Refugee.set_name_keys``): the name and search keys, the birth year from the date, the
    region from the city. Without a model instance per row (they cost more than the rules)."""
    values = dict(zip(_AS_CLEANED, map(data.get, _AS_CLEANED), strict=True))
    city, office, region = data.get("city"), data.get("office"), data.get("region")
    values["city_id"] = city.pk if city is not None else None
    values["office_id"] = office.pk
    values["region_id"] = region.pk if region is not None else (city.region_id if city is not None else None)
    if data.get("date_of_birth"):
        values["birth_year"] = data["date_of_birth"].year
    first, last = data.get("first_name_latin", ""), data.get("last_name_latin", "")
    values["name_key"] = name_key(first, last)
    values["search_key"] = search_key(first, last, data.get("first_name_ar", ""), data.get("last_name_ar", ""))
    return values


_CELLS = operator.itemgetter(*REFUGEE_COLUMNS)
# Where, in a spool row (line, group, then REFUGEE_COLUMNS), the JSON and boolean cells are.
_LIST_AT = [2 + i for i, c in enumerate(REFUGEE_COLUMNS) if c in JSON_COLUMNS]
_BOOL_AT = [2 + i for i, c in enumerate(REFUGEE_COLUMNS) if isinstance(_FIELDS[c], models.BooleanField)]


class SpoolWriter:
    """Writes checked rows to a temporary file (on disk, not in memory)."""

    def __init__(self):
        self.file: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - handed over to the result
        self._text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text, lineterminator="\n")
        self._lists: dict[tuple, str | None] = {}

    def write(self, *, line: int, group: int, values: dict) -> None:
        # The csv module writes None as an empty cell and numbers and dates as str() does
        # (a date's ISO form): only the lists (JSON) and the booleans are converted here.
        cells = [line, group, *_CELLS(values)]
        for i in _LIST_AT:
            cells[i] = self._list(cells[i])
        for i in _BOOL_AT:
            if cells[i] is not None:
                cells[i] = "t" if cells[i] else "f"
        self._writer.writerow(cells)

    def _list(self, value) -> str | None:
        if type(value) is not list:
            return _text(value)
        key = tuple(value)  # the lists (languages, needs) repeat: their JSON is remembered
        if key not in self._lists:
            if len(self._lists) >= 1024:
                return _text(value)
            self._lists[key] = _text(value)
        return self._lists[key]

    def finish(self) -> BinaryIO:
        self._text.flush()
        self._text.detach()
        self.file.seek(0)
        return self.file


def read_spool(file: BinaryIO, *, groups: set[int] | None = None) -> Iterator[dict]:
    """The rows of a spool (only those of ``groups`` if given), typed back (line, grp and
    the Refugee columns); for SQLite and for the preview's flagged rows."""
    file.seek(0)
    try:
        for cells in csv.reader(line.decode("utf-8") for line in iter(file.readline, b"")):
            row: dict = {"line": int(cells[0]), "grp": int(cells[1])}
            if groups is not None and row["grp"] not in groups:
                continue
            for column, cell in zip(REFUGEE_COLUMNS, cells[2:], strict=True):
                if cell == "" and column in NULLABLE:
                    row[column] = None
                elif column in JSON_COLUMNS:
                    row[column] = json.loads(cell)
                else:
                    row[column] = _FIELDS[column].to_python(cell)
            yield row
    finally:
        file.seek(0)
