"""Create the role groups with their permissions (see ``accounts/roles.py``)."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles

# The apps this migration depends on; later apps grant their own permissions in a migration
# of their own (see ``imports/migrations/0002_grant_run_import.py``).
APPS = ("auth", "contenttypes", "admin", "sessions", "accounts", "catalog", "inventory",
        "customers", "orders", "fulfillment", "aftersales")


def create_roles(apps, schema_editor):
    create_app_permissions(apps, *APPS)
    sync_roles(apps, app_labels=APPS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("catalog", "0001_initial"),
        ("inventory", "0001_initial"),
        ("customers", "0001_initial"),
        ("orders", "0001_initial"),
        ("fulfillment", "0001_initial"),
        ("aftersales", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
