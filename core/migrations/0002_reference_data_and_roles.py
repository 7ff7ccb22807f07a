"""Load Morocco's regions and cities, the partner organisations, and the role groups.

The groups' permissions are applied by core.roles.sync_role_permissions after every
migrate (post_migrate), so that each app's models reach the right roles.
"""

from django.db import migrations

from core.reference_data import load_reference_data
from core.roles import Role


def forwards(apps, schema_editor):
    load_reference_data(
        apps.get_model("core", "Region"), apps.get_model("core", "City"), apps.get_model("core", "PartnerOrganisation")
    )
    Group = apps.get_model("auth", "Group")
    for role in Role.values:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
