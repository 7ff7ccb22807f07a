"""What the import tests share: the pages, a CSV upload and the token a preview carries."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse_lazy

URL = reverse_lazy("refugees:import")
CONFIRM = reverse_lazy("refugees:import_confirm")


def csv_upload(header: str, *rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", ("\n".join([header, *rows]) + "\n").encode())


def preview_token(response) -> str:
    """The confirmation token of a preview page."""
    return re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode()).group(1)
