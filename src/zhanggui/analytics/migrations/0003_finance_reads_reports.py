from django.db import migrations

from zhanggui.accounts.roles import sync_roles


def grant_roles(apps, schema_editor):
    sync_roles(apps, app_labels=["analytics"])


class Migration(migrations.Migration):
    """Finance reads the reports (drop-ship profit, supplier scorecards)."""

    dependencies = [
        ("analytics", "0002_roles"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
