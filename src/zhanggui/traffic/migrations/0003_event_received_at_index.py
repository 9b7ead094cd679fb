"""The API's incremental sync (core.sync) follows behaviour events by their arrival time."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("traffic", "0002_roles")]

    operations = [
        migrations.AlterField(
            model_name="event", name="received_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="received at")),
    ]
