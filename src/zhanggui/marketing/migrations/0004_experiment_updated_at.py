"""The API's incremental sync (core.sync): rows carry the time they last changed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("marketing", "0003_campaign_body_recommended_products")]

    operations = [
        migrations.AddField(
            model_name="experiment", name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="updated at"),
            preserve_default=False),
    ]
