"""Give the role groups the permissions of insights and of what it writes below (customer
value and recommendations in customers, "bought together" in catalog): the owner holds
every permission; the other roles get what ``accounts.roles.ROLE_PERMISSIONS`` lists."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles

LABELS = ("insights", "customers", "catalog")


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, *LABELS)
    sync_roles(apps, app_labels=list(LABELS))


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("customers", "0007_customervalue_customerrecommendation"),
        ("catalog", "0002_productaffinity"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
