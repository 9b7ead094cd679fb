"""The API's incremental sync (core.sync): published quantities carry the time they last
changed, publish runs the time they were written (existing rows: the migration's time)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("channels", "0003_listing_price_empty_by_default")]

    operations = [
        migrations.AddField(
            model_name="publishedquantity", name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="updated at"),
            preserve_default=False),
        migrations.AddField(
            model_name="publishrun", name="recorded_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True,
                                       default=django.utils.timezone.now, verbose_name="recorded at"),
            preserve_default=False),
    ]
