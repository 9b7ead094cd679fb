"""The order's recipient name, phone and street address are encrypted at rest
(core.crypto); the phone gets a blind index for exact search. Same three steps as
customers 0004: widen to text, encrypt the rows in batches, declare the encrypted field.
"""

from django.db import migrations, models

import zhanggui.core.fields
from zhanggui.core.personal_data_migration import decrypt_columns, encrypt_columns

ORDER_FIELDS = ["recipient_name", "recipient_phone", "address_detail"]


def encrypt(apps, schema_editor):
    encrypt_columns(apps.get_model("orders", "Order"), ORDER_FIELDS,
                    {"recipient_phone_index": "recipient_phone"})


def decrypt(apps, schema_editor):
    decrypt_columns(apps.get_model("orders", "Order"), ORDER_FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0003_pricing_breakdown"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="recipient_phone_index",
            field=zhanggui.core.fields.PhoneIndexField(blank=True, db_index=True, default="",
                                                       editable=False, max_length=64,
                                                       source="recipient_phone"),
        ),
        *[migrations.AlterField(model_name="order", name=name, field=models.TextField())
          for name in ORDER_FIELDS],
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="order",
            name="address_detail",
            field=zhanggui.core.fields.EncryptedCharField(max_length=200,
                                                          verbose_name="street address"),
        ),
        migrations.AlterField(
            model_name="order",
            name="recipient_name",
            field=zhanggui.core.fields.EncryptedCharField(max_length=60, verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="order",
            name="recipient_phone",
            field=zhanggui.core.fields.EncryptedCharField(max_length=20,
                                                          verbose_name="recipient phone"),
        ),
    ]
