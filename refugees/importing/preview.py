"""The dry run of an import: every row through the rules, then the probable duplicates.

Nothing is saved in the registry: the preview shows the errors by line and column, and the
rows that resemble a registered person or another row of the file. The file is streamed:
each valid row is written, as it will be inserted, to the result's spool
(``refugees.importing.checked``); what stays in memory per row is its line and its group
(the rows with the same name keys and year of birth, which the duplicate checks meet
once). The result is what the confirmation commits (``refugees.importing.commit``),
without checking the file again; ``refugees.importing.uploads`` keeps it with the file.
"""

import datetime
import gc
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import timezone

from core.access import require
from core.models import Office, User
from refugees.access import can_import, visible_ids
from refugees.importing.checked import SpoolWriter, read_spool, refugee_values
from refugees.importing.parsing import ImportFileError, as_binary, file_checksum, read_rows
from refugees.importing.rules import RowResult, check_rows
from refugees.models import Refugee
from refugees.names import name_key
from refugees.selectors import (
    CANDIDATES_SHOWN,
    DuplicateProbe,
    probable_duplicate_groups_within,
    probable_duplicates_bulk,
)

# The lines of the file a flagged row shows (the rest are counted): 1,000 rows of one name
# would otherwise show a million.
FILE_LINES_SHOWN = 10


@dataclass
class ImportResult:
    """A checked file: its errors, or what its commit needs.

    ``groups`` are the distinct (Latin key, Arabic key, year of birth) of the valid rows,
    each row's group is in the spool; ``group_duplicates`` the registered people each group
    resembles, ``group_links`` the groups whose rows its rows resemble, ``group_lines`` the
    lines of the groups that have links. ``flagged_rows`` are built for the page.
    """

    row_count: int = 0
    error_rows: list[RowResult] = field(default_factory=list)
    flagged_rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    checksum: str = ""
    checked_at: datetime.datetime | None = None
    offices: list[int] = field(default_factory=list)
    groups: Sequence[DuplicateProbe] = field(default_factory=list)
    group_duplicates: dict[int, list[int]] = field(default_factory=dict)
    group_links: dict[int, list[int]] = field(default_factory=dict)
    group_lines: dict[int, list[int]] = field(default_factory=dict)
    spool: BinaryIO | None = None

    @property
    def valid(self) -> bool:
        return bool(self.row_count) and not self.file_errors and not self.error_rows

    def flag_rows(self, rows: list[tuple[int, int, dict]], *, user: User) -> None:
        """The page's flagged rows from (line, group, shown data), with the first
        ``CANDIDATES_SHOWN`` registered look-alikes of each (``candidates``, each ``visible``
        or not to ``user``) and how many more there are (``candidates_more``). Every
        look-alike stays in ``duplicate_ids``: the confirmation covers them all."""
        shared: dict[int, list[int]] = {}
        for g in self.group_links:
            shared[g] = sorted(line for h in self.group_links[g] for line in self.group_lines.get(h, ()))
        ids = {pk for pks in self.group_duplicates.values() for pk in pks[:CANDIDATES_SHOWN]}
        people = _candidates(ids, user) if ids else {}
        self.flagged_rows = []
        for line, g, data in rows:
            row = FlaggedRow(line=line, values={}, data=data, duplicate_ids=self.group_duplicates.get(g, []))
            row.group, row.group_lines = g, shared.get(g, [])
            row.candidates = [people[pk] for pk in row.duplicate_ids[:CANDIDATES_SHOWN] if pk in people]
            row.candidates_more = max(0, len(row.duplicate_ids) - CANDIDATES_SHOWN)
            self.flagged_rows.append(row)

    def people_named(self) -> list[Refugee]:
        """The registered people the page names (for the view log): the candidates shown
        that the user may open; the others show only their office."""
        return [c for row in self.flagged_rows for c in row.candidates if c.visible]

    def is_flagged(self, group: int) -> bool:
        if group in self.group_duplicates:
            return True
        own = 1 if group in self.group_links.get(group, ()) else 0
        return sum(len(self.group_lines.get(h, ())) for h in self.group_links.get(group, ())) > own

    def discard(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


# What the page shows of a candidate (refugees/import.html) and the view log reads (its id).
CANDIDATE_FIELDS = ("first_name_latin", "last_name_latin", "date_of_birth", "birth_year", "office_id")


def _candidates(ids: set[int], user: User) -> dict[int, Refugee]:
    """The registered people the page shows as look-alikes, with what it shows of them, each
    ``visible`` if ``user`` may open them (as on the profile form, a person of another
    office shows only that office). Their offices are the few offices, read once."""
    offices = {o.pk: o for o in Office.objects.all()}
    visible = visible_ids(user, ids)
    people = {}
    for person in Refugee.objects.filter(pk__in=ids).only(*CANDIDATE_FIELDS).iterator(chunk_size=2000):
        person.office = offices[person.office_id]
        person.visible = person.pk in visible
        people[person.pk] = person
    return people


@dataclass
class FlaggedRow(RowResult):
    """A valid row that resembles a registered person or other rows of the file. The lines
    it resembles are its groups' lines (shared by the rows of a group), without its own."""

    group: int = -1
    group_lines: list[int] = field(default_factory=list)
    candidates_more: int = 0

    @property
    def file_duplicate_lines(self) -> list[int]:
        return [line for line in self.group_lines if line != self.line]

    @property
    def file_duplicate_lines_shown(self) -> list[int]:
        shown = []
        for line in self.group_lines:
            if line != self.line:
                shown.append(line)
                if len(shown) == FILE_LINES_SHOWN:
                    break
        return shown

    @property
    def file_duplicate_lines_more(self) -> int:
        own = 1 if self.line in self.group_lines else 0
        return max(0, len(self.group_lines) - own - FILE_LINES_SHOWN)


SHOWN_FIELDS = ("first_name_latin", "last_name_latin", "date_of_birth", "birth_year")


def validate_import(*, user: User, content: bytes | BinaryIO, ext: str) -> ImportResult:
    """Read and check a file for ``user`` (``PermissionDenied`` if they may not import).

    ``content`` is the file's bytes or a seekable binary file (an upload), read once to
    checksum it and once, streamed, to check it.

    The objects already there (Django's, the process's) are set aside from the garbage
    collector meanwhile (``gc.freeze``): the check's allocations would otherwise make it
    walk all of them several times (0.2 s each), for nothing the check can free.
    """
    require(can_import(user))
    gc.freeze()
    try:
        return _validate(user=user, content=content, ext=ext)
    finally:
        gc.unfreeze()


def _validate(*, user: User, content: bytes | BinaryIO, ext: str) -> ImportResult:
    source = as_binary(content)
    result = ImportResult(checksum=file_checksum(source), checked_at=timezone.now())
    spool = SpoolWriter()
    lines, row_groups = array("l"), array("l")
    distinct: dict[tuple[str, str, int | None], int] = {}
    offices: set[int] = set()
    try:
        header, rows = read_rows(source, ext)
        for line, values, data, errors in check_rows(user=user, header=header, rows=rows):
            result.row_count += 1
            if errors or data is None:
                result.error_rows.append(RowResult(line=line, values=values, errors=errors, data=data))
                continue
            if result.error_rows:
                continue  # nothing will be imported: only the errors matter now
            row = refugee_values(data)
            # (Latin key, Arabic key, year of birth): a tuple of text and numbers, which the
            # garbage collector stops tracking (20,000 objects it would otherwise walk).
            probe = (row["name_key"], name_key(row["first_name_ar"], row["last_name_ar"]), row["birth_year"])
            group = distinct.setdefault(probe, len(distinct))
            spool.write(line=line, group=group, values=row)
            lines.append(line)
            row_groups.append(group)
            offices.add(row["office_id"])
    except ImportFileError as exc:
        spool.finish().close()
        return ImportResult(file_errors=[str(exc)])
    file = spool.finish()
    if not result.valid:
        file.close()
        return result
    result.spool = file
    result.offices = sorted(offices)
    result.groups = [DuplicateProbe(key=k, key_ar=a, birth_year=y) for k, a, y in distinct]
    del distinct
    result.group_duplicates = probable_duplicates_bulk(result.groups)
    rows_per_group = array("l", bytes(row_groups.itemsize * len(result.groups)))
    for g in row_groups:
        rows_per_group[g] += 1
    links = probable_duplicate_groups_within(result.groups, rows_per_group)
    del rows_per_group
    group_lines: dict[int, list[int]] = {g: [] for g in links}
    for line, g in zip(lines, row_groups, strict=True):
        if g in group_lines:
            group_lines[g].append(line)
    result.group_links = {g: sorted(hs) for g, hs in links.items()}
    result.group_lines = group_lines
    flagged = {g for g in range(len(result.groups)) if result.is_flagged(g)}
    if flagged:
        shown = [(r["line"], r["grp"], {k: r[k] for k in SHOWN_FIELDS}) for r in read_spool(file, groups=flagged)]
        result.flag_rows(shown, user=user)
    return result
