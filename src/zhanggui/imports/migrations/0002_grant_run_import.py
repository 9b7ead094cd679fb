"""Give the owner role the new imports permissions (the owner holds every permission).

Other roles get ``imports.run_import`` only through ``accounts.roles.ROLE_PERMISSIONS``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_owner(apps, schema_editor):
    app_config = apps.get_app_config("imports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    owner = group_model.objects.filter(name="owner").first()
    if owner is not None:
        owner.permissions.add(*permission_model.objects.filter(content_type__app_label="imports"))


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_owner, migrations.RunPython.noop)]
