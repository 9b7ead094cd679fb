"""Give the role groups the permissions of the review actions (``LiveAction``, added after
live's roles migration): the owner holds every permission; the other roles get what
``accounts.roles.ROLE_PERMISSIONS`` lists. Before, the owner held them only when some later
migration happened to re-sync every app."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "live")
    sync_roles(apps, app_labels=["live"])


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0004_optional_amounts_default_empty"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
