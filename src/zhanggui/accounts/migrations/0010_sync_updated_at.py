"""The API's incremental sync (core.sync): rows carry the time they last changed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("accounts", "0009_alert_kind_webhook_disabled")]

    operations = [
        migrations.AddField(
            model_name="staff", name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="updated at"),
            preserve_default=False),
        migrations.AddField(
            model_name="apitoken", name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="updated at"),
            preserve_default=False),
    ]
