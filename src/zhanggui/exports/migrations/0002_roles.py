"""Give the role groups the exports permissions (the owner gets every permission, so sees
every staff member's exports; see ``accounts.roles``)."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "exports")
    sync_roles(apps, app_labels=["exports"])


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
