"""The API's incremental sync (core.sync): rows carry the time they last changed (existing rows: the migration's time)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("aftersales", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="refund", name="recorded_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True,
                                       default=django.utils.timezone.now, verbose_name="recorded at"),
            preserve_default=False),
    ]
