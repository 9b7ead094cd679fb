"""Give the role groups the permissions of events: the owner holds every permission; the other
roles get what ``accounts.roles.ROLE_PERMISSIONS`` lists."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "events")
    sync_roles(apps, app_labels=["events"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_dispatched_at"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
