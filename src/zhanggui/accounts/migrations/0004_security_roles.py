"""Give the owner the new permissions: alerts, the security policy, login attempts (axes)
and second-factor devices (django-otp)."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles

APPS = ("accounts", "axes", "otp_totp", "otp_static")


def grant(apps, schema_editor):
    create_app_permissions(apps, *APPS)
    sync_roles(apps, app_labels=APPS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_security_policy_and_alerts"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
