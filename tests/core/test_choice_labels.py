"""``get_FOO_display`` of our models (``core.choices.ChoiceLabels``) gives what Django's
gives, for every field of choices, every value, an empty and an unknown one, in each
language; and every model of ours with such a field has it."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from core.choices import ChoiceLabels

OURS = {"core", "refugees", "projects", "funding", "reports", "webhooks", "api"}


def _our_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in OURS and not m.__name__.startswith("Historical") and not m._meta.proxy
    ]


def _choice_fields(model):
    return [f for f in model._meta.concrete_fields if f.choices]


def test_every_model_of_ours_with_choices_has_the_mixin():
    missing = [m.__name__ for m in _our_models() if _choice_fields(m) and not issubclass(m, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_labels_are_djangos_in_each_language(code):
    checked = 0
    with translation.override(code):
        for model in _our_models():
            for field in _choice_fields(model):
                obj = model()
                for value in [v for v, _label in field.flatchoices] + [None, "", "no-such-value"]:
                    setattr(obj, field.attname, value)
                    ours = getattr(obj, f"get_{field.name}_display")()
                    assert ours == models.Model._get_FIELD_display(obj, field), (model.__name__, field.name, value)
                    assert type(ours) is type(models.Model._get_FIELD_display(obj, field))
                    checked += 1
    assert checked > 200
