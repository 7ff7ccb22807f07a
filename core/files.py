"""Upload validation by content (magic bytes), not by the name the user gave."""

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def sniff_mime(upload) -> str | None:
    pos = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(pos)
    kind = filetype.guess(head)
    return kind.mime if kind else None


@deconstructible
@dataclass  # not frozen: @deconstructible stores the constructor args on the instance
class ContentTypeValidator:
    """Checks an uploaded file's real type (read from its bytes) and its size."""

    allowed: tuple[str, ...]
    max_mb: int | None = None

    def __call__(self, upload) -> None:
        limit = self.max_mb or settings.MAX_UPLOAD_MB
        if upload.size is not None and upload.size > limit * 1024 * 1024:
            raise ValidationError(
                _("The file is too large (%(size)s MB). The limit is %(limit)s MB."),
                code="file_too_large",
                params={"size": round(upload.size / 1024 / 1024, 1), "limit": limit},
            )
        # A file already stored (not a new upload) has been checked when it came in.
        if not hasattr(upload, "content_type") and getattr(upload, "_committed", True):
            return
        mime = sniff_mime(upload)
        if mime not in self.allowed:
            allowed = ", ".join(sorted({m.split("/")[-1].upper() for m in self.allowed}))
            raise ValidationError(
                _("This file type is not allowed. Allowed types: %(allowed)s."),
                code="file_type",
                params={"allowed": allowed},
            )


validate_document = ContentTypeValidator(tuple(DOCUMENT_TYPES))
validate_image = ContentTypeValidator(tuple(IMAGE_TYPES))
