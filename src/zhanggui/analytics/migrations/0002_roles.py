"""Give the role groups the analytics permissions (see ``accounts.roles.ROLE_PERMISSIONS``)."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "analytics")
    sync_roles(apps, app_labels=["analytics"])


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
