"""Customers' names, phones and e-mails and addresses' recipients, phones and street
addresses are encrypted at rest (core.crypto); phones get a blind index for exact search.

Three steps per column: widen it to a plain text column (tokens are long), encrypt the rows
already there and fill the indexes (in batches), then declare the encrypted field (no
database change). Reversible: the reverse decrypts with the configured keys.
"""

import django.core.validators
from django.db import migrations, models

import zhanggui.core.fields
from zhanggui.core.personal_data_migration import decrypt_columns, encrypt_columns

CUSTOMER_FIELDS = ["name", "phone", "email"]
ADDRESS_FIELDS = ["recipient_name", "phone", "detail"]


def encrypt(apps, schema_editor):
    encrypt_columns(apps.get_model("customers", "Customer"), CUSTOMER_FIELDS,
                    {"phone_index": "phone"})
    encrypt_columns(apps.get_model("customers", "Address"), ADDRESS_FIELDS,
                    {"phone_index": "phone"})


def decrypt(apps, schema_editor):
    decrypt_columns(apps.get_model("customers", "Customer"), CUSTOMER_FIELDS)
    decrypt_columns(apps.get_model("customers", "Address"), ADDRESS_FIELDS)


def _text(model_name: str, name: str, blank: bool):
    return migrations.AlterField(model_name=model_name, name=name,
                                 field=models.TextField(blank=blank))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0003_customer_is_guest"),
    ]

    operations = [
        migrations.AddField(
            model_name="address",
            name="phone_index",
            field=zhanggui.core.fields.PhoneIndexField(blank=True, db_index=True, default="",
                                                       editable=False, max_length=64,
                                                       source="phone"),
        ),
        migrations.AddField(
            model_name="customer",
            name="phone_index",
            field=zhanggui.core.fields.PhoneIndexField(blank=True, db_index=True, default="",
                                                       editable=False, max_length=64,
                                                       source="phone"),
        ),
        *[_text("customer", name, True) for name in CUSTOMER_FIELDS],
        *[_text("address", name, False) for name in ADDRESS_FIELDS],
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="address",
            name="detail",
            field=zhanggui.core.fields.EncryptedCharField(max_length=200,
                                                          verbose_name="street address"),
        ),
        migrations.AlterField(
            model_name="address",
            name="phone",
            field=zhanggui.core.fields.EncryptedCharField(max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="address",
            name="recipient_name",
            field=zhanggui.core.fields.EncryptedCharField(max_length=60, verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="email",
            field=zhanggui.core.fields.EncryptedCharField(
                blank=True, max_length=254,
                validators=[django.core.validators.EmailValidator()], verbose_name="email"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="name",
            field=zhanggui.core.fields.EncryptedCharField(blank=True, max_length=60,
                                                          verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="phone",
            field=zhanggui.core.fields.EncryptedCharField(blank=True, max_length=20,
                                                          verbose_name="phone"),
        ),
    ]
