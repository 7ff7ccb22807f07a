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


def serve_private_file(field_file, *, download_name: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a private file. Call only after the access check for its owner."""
    if not field_file or not field_file.name:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = download_name or field_file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0]
    if content_type is None:
        # Stored names carry no extension (a photo, a study): read the type from the bytes,
        # which were checked on upload, so a photo shows inline and a study saves as .pdf.
        kind = filetype.guess(handle.read(8192))
        handle.seek(0)
        if kind is not None:
            content_type, name = kind.mime, f"{name}.{kind.extension}"
    content_type = content_type or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
