import datetime

import pytest

START = datetime.date(2019, 1, 1)
END = datetime.date(2019, 12, 31)


@pytest.fixture
def period():
    return START, END


@pytest.fixture
def historical_demo(db):
    """The core demo (offices, users) and the reports app's historical story."""
    from core import demo as core_demo
    from reports import demo

    core_demo.seed()
    demo.seed(stdout=None, options={})


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Report files go to a fresh directory per test (the storage caches its location)."""
    from core.storage import private_storage

    def reset():
        for attr in ("base_location", "location"):
            private_storage.__dict__.pop(attr, None)

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reset()
    yield tmp_path
    reset()
