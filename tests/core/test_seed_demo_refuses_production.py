"""seed_demo never creates the demo accounts (their password is published) in production,
with or without --force; a public demo server runs SANAD_ENV=demo."""

import pytest
from django.core.management import CommandError, call_command

from core.models import User

pytestmark = pytest.mark.django_db


def test_it_refuses_in_production(settings):
    settings.PRODUCTION, settings.DEMO = True, False
    with pytest.raises(CommandError, match="never runs"):
        call_command("seed_demo", "--quiet-accounts")
    assert not User.objects.exists()


def test_force_is_no_way_round(settings):
    settings.PRODUCTION, settings.DEMO = True, False
    with pytest.raises(CommandError):
        call_command("seed_demo", "--force")
    assert not User.objects.exists()


def test_the_demo_mode_is_production_with_the_demo_allowed(settings):
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PRODUCTION, s.DEMO, s.SANAD_MFA_ENFORCED)"
    )
    env = {"SANAD_ENV": "demo", "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    assert out.stdout.split() == ["True", "True", "False"]
