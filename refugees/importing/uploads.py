"""The uploaded file kept between the preview and the commit, and its token.

A file is stored in private storage under ``imports/<user id>/<token>.<ext>``: the token
only works for the user who uploaded it. Next to a valid file, ``<token>.checked`` keeps
its preview's result (``refugees.importing.preview.ImportResult``): a first line of JSON
(the file's checksum, who checked it and when, the offices, the groups' links and
duplicates and the flagged rows), a second one with the duplicate groups' keys (decoded
only if the confirmation needs them: when people were registered or changed since the
preview), and then the checked rows (``refugees.importing.checked``), which the commit
inserts without checking the file again. A file never confirmed is deleted by the hourly
beat task ``refugees.tasks.discard_abandoned_imports`` (:func:`discard_abandoned_uploads`).
"""

import datetime
import json
import logging
import shutil
import tempfile
import uuid
from collections.abc import Sequence

from django.core.files import File
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import User
from core.storage import private_storage
from refugees.importing.parsing import file_checksum
from refugees.importing.preview import ImportResult
from refugees.selectors import DuplicateProbe

CHECKED = ".checked"
# What the checked rows of a stored result mean: changed with refugees.importing.checked
# or the rules, so that a preview made before a deployment is checked again.
CHECKED_VERSION = 2
UPLOADS = (".csv", ".xlsx")

logger = logging.getLogger(__name__)


def store_upload(*, user: User, upload, result: ImportResult | None = None) -> str:
    """Keep ``upload`` (and the valid ``result`` of its preview) for ``user``'s
    confirmation; returns the token that names it."""
    token = uuid.uuid4().hex
    ext = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    private_storage.save(f"imports/{user.pk}/{token}{ext}", upload)
    if result is not None and result.valid and result.spool is not None:
        _save_checked(f"imports/{user.pk}/{token}{CHECKED}", user=user, result=result)
    return token


def _manifest(*, user: User, result: ImportResult) -> dict:
    return {
        "version": CHECKED_VERSION,
        "user": user.pk,
        "checksum": result.checksum,
        "checked_at": result.checked_at.isoformat(),
        "row_count": result.row_count,
        "offices": result.offices,
        "group_count": len(result.groups),
        "group_duplicates": [[g, ids] for g, ids in result.group_duplicates.items()],
        "group_links": [[g, hs] for g, hs in result.group_links.items()],
        "group_lines": [[g, lines] for g, lines in result.group_lines.items()],
        "flagged": [
            [
                r.line,
                r.group,
                r.data["first_name_latin"],
                r.data["last_name_latin"],
                r.data["date_of_birth"].isoformat() if r.data["date_of_birth"] else None,
                r.data["birth_year"],
            ]
            for r in result.flagged_rows
        ],
    }


def _save_checked(path: str, *, user: User, result: ImportResult) -> None:
    with tempfile.TemporaryFile() as out:
        out.write(json.dumps(_manifest(user=user, result=result), ensure_ascii=False).encode())
        out.write(b"\n")
        groups = [[p.key, p.key_ar, p.birth_year] for p in result.groups]
        out.write(json.dumps(groups, ensure_ascii=False).encode())
        out.write(b"\n")
        result.spool.seek(0)
        shutil.copyfileobj(result.spool, out)
        out.seek(0)
        private_storage.save(path, File(out, name=path))


def load_result(*, user: User, token: str) -> ImportResult | None:
    """The result of the preview of ``user``'s stored upload, its checked rows ready to
    commit (``result.spool``), or ``None``: no such upload, no valid preview kept, kept by
    an older version, for another user, or the file no longer the one checked (checksum).
    """
    path = _stored_path(user=user, token=token)
    if path is None:
        return None
    checked = path.rsplit(".", 1)[0] + CHECKED
    try:
        with private_storage.open(path, "rb") as fh:
            checksum = file_checksum(fh)
        spool = private_storage.open(checked, "rb")
    except FileNotFoundError:
        return None
    try:
        manifest = json.loads(spool.readline())
        groups = _StoredGroups(spool.readline(), manifest.get("group_count", 0))
    except ValueError:
        manifest = {}
    if (
        manifest.get("version") != CHECKED_VERSION
        or manifest.get("user") != user.pk
        or manifest.get("checksum") != checksum
    ):
        spool.close()
        return None
    result = ImportResult(
        row_count=manifest["row_count"],
        checksum=checksum,
        checked_at=parse_datetime(manifest["checked_at"]),
        offices=manifest["offices"],
        groups=groups,
        group_duplicates=dict(manifest["group_duplicates"]),
        group_links=dict(manifest["group_links"]),
        group_lines=dict(manifest["group_lines"]),
    )
    result.flag_rows(
        [
            (
                line,
                g,
                {
                    "first_name_latin": first,
                    "last_name_latin": last,
                    "date_of_birth": datetime.date.fromisoformat(born) if born else None,
                    "birth_year": year,
                },
            )
            for line, g, first, last, born, year in manifest["flagged"]
        ],
        user=user,
    )
    result.spool = _Rest(spool)
    return result


class _StoredGroups(Sequence):
    """The duplicate groups of a stored result (``DuplicateProbe``), decoded from their line
    when first read: a confirmation reads them only if the registry changed meanwhile."""

    def __init__(self, line: bytes, count: int):
        self._line, self._count = line, count
        self._probes: list[DuplicateProbe] | None = None

    def _decoded(self) -> list[DuplicateProbe]:
        if self._probes is None:
            self._probes = [DuplicateProbe(key=k, key_ar=a, birth_year=y) for k, a, y in json.loads(self._line)]
            self._line = b""
        return self._probes

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._decoded()[index]

    def __iter__(self):
        return iter(self._decoded())


class _Rest:
    """The checked rows of a stored result: the stored file after its first two lines, as a file
    (what ``COPY`` and ``read_spool`` read; ``seek(0)`` comes back to the first row)."""

    def __init__(self, file):
        self._file = file
        self._start = file.tell()

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._file.readline(size)

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(self._start + offset if whence == 0 else offset, whence) - self._start

    def tell(self) -> int:
        return self._file.tell() - self._start

    def close(self) -> None:
        self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed


def _stored_path(*, user: User, token: str) -> str | None:
    if not token or len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        return None
    for ext in (".csv", ".xlsx"):
        path = f"imports/{user.pk}/{token}{ext}"
        if private_storage.exists(path):
            return path
    return None


def load_stored(*, user: User, token: str) -> tuple[bytes, str] | None:
    """(content, extension) of ``user``'s stored upload, or ``None`` (unknown, expired, another user's)."""
    path = _stored_path(user=user, token=token)
    if path is None:
        return None
    try:
        with private_storage.open(path, "rb") as fh:
            return fh.read(), path.rsplit(".", 1)[-1]
    except FileNotFoundError:  # discarded meanwhile (abandoned uploads are cleaned up)
        return None


def discard_stored(*, user: User, token: str) -> None:
    path = _stored_path(user=user, token=token)
    if path:
        private_storage.delete(path)
        private_storage.delete(path.rsplit(".", 1)[0] + CHECKED)


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
            if not name.endswith(UPLOADS):
                continue  # a preview's checked rows: their upload is counted
            private_storage.delete(path.rsplit(".", 1)[0] + CHECKED)
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


def pending_uploads_count(*, user: User) -> int:
    """How many of ``user``'s uploads wait in preview (never confirmed nor discarded yet)."""
    folder = f"imports/{user.pk}"
    try:
        _dirs, names = private_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    return sum(1 for name in names if name.endswith(UPLOADS))
