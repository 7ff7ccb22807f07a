from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefugeesConfig(AppConfig):
    name = "refugees"
    verbose_name = _("Refugee registry")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        pass
