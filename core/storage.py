"""Private file storage: documents, receipts, visit photos and report files.

Files live under ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` and any URL. They are
only ever streamed by a view that first checks the user may see the owning object,
through :func:`serve_private_file`.
"""

import mimetypes

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        """Forget the cached location when PRIVATE_MEDIA_ROOT changes (tests override it)."""
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("location", None)

    def url(self, name):  # pragma: no cover - guarded on purpose
        raise ValueError("Private files have no URL; serve them through an access-checked view.")


private_storage = PrivateStorage()


# Types that cannot be sniffed (text): served by their name, always as a download.
TEXT_TYPES = {"text/csv", "application/json", "text/plain"}
# Office files are zip archives: a sniffed zip keeps the type its name gives.
ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def served_type(head: bytes, name: str) -> tuple[str, str]:
    """The type a stored file is served with, and its download name, **from its content**.

    The name never decides alone: a PDF stored as ``x.html`` is served as
    ``application/pdf`` named ``x.pdf``; what cannot be sniffed is CSV, JSON or plain text
    by its name, or else ``application/octet-stream``. Never ``text/html``.
    """
    by_name = mimetypes.guess_type(name)[0]
    kind = filetype.guess(head)
    if kind is not None:
        if by_name == kind.mime or (kind.mime == "application/zip" and by_name in ZIP_TYPES):
            return by_name, name
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return kind.mime, f"{stem}.{kind.extension}"
    if by_name in TEXT_TYPES:
        return by_name, name
    return "application/octet-stream", name


def serve_private_file(field_file, *, download_name: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a private file. Call only after the access check for its owner.

    The type comes from the bytes (:func:`served_type`); only a PDF or an image is shown
    inline, and only when asked; everything else is an attachment, with ``nosniff``.
    """
    if not field_file or not field_file.name:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    head = handle.read(8192)
    handle.seek(0)
    content_type, name = served_type(head, download_name or field_file.name.rsplit("/", 1)[-1])
    inline = inline and content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
