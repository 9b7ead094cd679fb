"""Every table is either in a backup or excluded on purpose, and values are carried as stored."""

from django.db import connection

from tests import factories
from zhanggui.backup import rules, tables
from zhanggui.orders.models import Order


def test_every_table_of_the_database_is_backed_up_or_excluded_on_purpose(db):
    backed_up = {table.name for table in tables.backed_up_tables()}
    in_database = set(connection.introspection.table_names())

    assert in_database - backed_up - set(rules.EXCLUDED_TABLES) == set()
    assert not backed_up & set(rules.EXCLUDED_TABLES)
    assert {"orders_order", "catalog_product_tags", "accounts_staff_groups", "auth_group",
            "accounts_operationlog"} <= backed_up


def test_tables_come_after_the_tables_they_refer_to(db):
    order = [table.name for table in tables.backed_up_tables()]
    assert order.index("accounts_staff") < order.index("orders_order") < order.index("orders_orderline")
    assert order.index("django_content_type") < order.index("auth_permission")


def test_a_migrated_database_holds_rows_only_in_the_replaced_tables(db):
    filled = tables.tables_with_rows(tables.backed_up_tables())
    assert set(filled) <= set(rules.REPLACED_TABLES)
    assert "auth_group" in filled


def test_rows_are_read_as_the_database_stores_them(db):
    order = factories.make_order(customer=factories.make_customer())
    table = next(t for t in tables.backed_up_tables() if t.name == "orders_order")
    names = [column.name for column in table.columns]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT recipient_phone, total_amount FROM orders_order WHERE id = {order.pk}")
        stored_phone, _ = cursor.fetchone()

    row = next(values for values in tables.read_rows(table) if values[names.index("id")] == order.pk)

    assert row[names.index("recipient_phone")] == stored_phone  # ciphertext stays ciphertext
    assert row[names.index("total_amount")] == str(Order.objects.get(pk=order.pk).total_amount)
    assert row[names.index("placed_at")].endswith("+00:00")
