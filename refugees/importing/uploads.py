"""The uploaded file kept between the preview and the commit, and its token.

A file is stored in private storage under ``imports/<user id>/<token>.<ext>``: the token
only works for the user who uploaded it. A file never confirmed is deleted by the hourly
beat task ``refugees.tasks.discard_abandoned_imports`` (:func:`discard_abandoned_uploads`).
"""

import datetime
import logging
import uuid

from django.utils import timezone

from core.models import User
from core.storage import private_storage

logger = logging.getLogger(__name__)


def store_upload(*, user: User, upload) -> str:
    """Keep ``upload`` for ``user``'s confirmation; returns the token that names it."""
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


def pending_uploads_count(*, user: User) -> int:
    """How many of ``user``'s uploads wait in preview (never confirmed nor discarded yet)."""
    folder = f"imports/{user.pk}"
    try:
        _dirs, names = private_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    return len(names)
