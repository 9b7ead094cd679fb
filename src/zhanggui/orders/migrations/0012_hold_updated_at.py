"""The API's incremental sync (core.sync): rows carry the time they last changed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("orders", "0011_flash_sale_token")]

    operations = [
        migrations.AddField(
            model_name="orderhold", name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="updated at"),
            preserve_default=False),
    ]
