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
def fast_password_hashing(settings):
    """Factories set a password on every user; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
