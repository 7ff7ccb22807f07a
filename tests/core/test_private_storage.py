"""Private files live outside any URL and follow PRIVATE_MEDIA_ROOT."""

import pytest
from django.core.files.base import ContentFile

from core.storage import private_storage


def test_it_has_no_url():
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url("anything.pdf")


def test_it_follows_the_setting_when_it_changes(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "first"
    name = private_storage.save("a.txt", ContentFile(b"one"))
    assert (tmp_path / "first" / name).exists()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "second"
    name = private_storage.save("b.txt", ContentFile(b"two"))
    assert (tmp_path / "second" / name).exists()
