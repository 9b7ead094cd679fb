"""The console's search box finds customers by nickname prefix, case-insensitively. Django
writes that lookup on PostgreSQL as ``UPPER("nickname"::text) LIKE UPPER('…%')``; this index
on the same expression, with the pattern operator class, answers it from the index. SQLite
(the embedded default, small shops) scans instead, so the index is PostgreSQL's only and is
not part of the model state."""

from django.db import migrations

INDEX = "customers_customer_nickname_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer '
            '((UPPER("nickname"::text)) text_pattern_ops)')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_personal_data_encrypted")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
