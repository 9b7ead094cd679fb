"""Give the role groups the tasks permissions (see ``accounts.roles``)."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "tasks")
    sync_roles(apps, app_labels=["tasks"])


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
