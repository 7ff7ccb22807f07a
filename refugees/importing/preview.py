"""The dry run of an import: every row through the rules, then the probable duplicates.

Nothing is saved: the preview shows the errors by line and column, and the rows that
resemble a registered person or another row of the file.
"""

from dataclasses import dataclass, field

from core.access import require
from core.models import User
from refugees.access import can_import
from refugees.importing.parsing import ImportFileError, read_rows
from refugees.importing.rules import RowResult, check_rows
from refugees.models import Refugee
from refugees.selectors import probable_duplicates_bulk, probable_duplicates_within, probe_for

PROBE_FIELDS = ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar", "date_of_birth", "birth_year")


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def flagged_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.duplicate_ids or r.file_duplicate_lines]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows


def validate_import(*, user: User, content: bytes, ext: str) -> ImportResult:
    """Read and check a file for ``user`` (``PermissionDenied`` if they may not import)."""
    require(can_import(user))
    try:
        header, rows = read_rows(content, ext)
    except ImportFileError as exc:
        return ImportResult(rows=[], file_errors=[str(exc)])
    results = check_rows(user=user, header=header, rows=rows)
    ok_rows = [r for r in results if r.data is not None and not r.errors]
    probes = [probe_for(**{k: r.data.get(k) for k in PROBE_FIELDS}) for r in ok_rows]
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
    return ImportResult(rows=results)
