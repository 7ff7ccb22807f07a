"""Spreadsheet import of registrations: upload, dry run, commit (all or nothing).

* ``uploads``: the file kept in private storage between the preview and the commit, its
  token, the clean-up of abandoned uploads;
* ``parsing``: reading a CSV or XLSX into a header and rows (streamed, the row cap
  enforced while reading);
* ``rules``: **the validation of an import row** (the row form and its fast path, the
  columns, the repeated number);
* ``preview``: the dry run (``validate_import``: the rules, then the probable duplicates),
  its result holding the checked rows (``checked``: the spool the commit inserts);
* ``commit``: ``import_commit``, every row created or nothing, from the preview's result
  (the file is not validated twice; what may have changed since is re-checked).

The names the views, the task, the tests and the bench use are re-exported here.
"""

from refugees.importing.commit import import_commit
from refugees.importing.parsing import MAX_ROWS, REQUIRED_COLUMNS, ImportFileError, read_rows
from refugees.importing.preview import ImportResult, validate_import
from refugees.importing.rules import (
    COLUMNS,
    FastRowCheck,
    RefugeeImportRowForm,
    RowResult,
    row_checkers,
    row_data,
)
from refugees.importing.uploads import (
    discard_abandoned_uploads,
    discard_stored,
    load_result,
    load_stored,
    store_upload,
)

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "FastRowCheck",
    "ImportFileError",
    "ImportResult",
    "RefugeeImportRowForm",
    "RowResult",
    "discard_abandoned_uploads",
    "discard_stored",
    "import_commit",
    "load_result",
    "load_stored",
    "read_rows",
    "row_checkers",
    "row_data",
    "store_upload",
    "validate_import",
]
