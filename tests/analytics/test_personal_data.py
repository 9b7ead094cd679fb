"""The warehouse never holds personal data: no name, phone or street address, plain or
encrypted, reaches a Parquet file, and the extracts name no encrypted column."""

import re

import duckdb
import pytest

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.analytics.extract import EXTRACTS
from zhanggui.core.fields import encrypted_fields, index_fields
from zhanggui.customers.models import Address, Customer
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


def test_no_extract_selects_an_encrypted_or_index_column():
    personal = {f.column for model in (Customer, Address, Order)
                for f in [*encrypted_fields(model), *index_fields(model)]}
    tables = {"customers_customer", "customers_address", "orders_order"}
    for extract in EXTRACTS:
        aliases = dict(re.findall(r"\b(\w+_\w+)\s+(\w+)\b", extract.select))
        used = {alias for table, alias in aliases.items() if table in tables}
        selected = set(re.findall(r"\b(\w+)\.(\w+)\b", extract.select))
        leaked = {column for alias, column in selected if alias in used and column in personal}
        assert not leaked, extract.table


def test_the_warehouse_files_carry_no_personal_data(warehouse_dir):
    order = factories.make_order(status="paid")
    customer = order.customer

    warehouse.rebuild()

    files = sorted(str(p) for p in warehouse_dir.rglob("*.parquet"))
    assert files
    db = duckdb.connect()
    text = []
    for path in files:
        for row in db.execute(f"SELECT * FROM read_parquet('{path}')").fetchall():
            text.extend(str(value) for value in row)
    blob = "\n".join(text)
    for secret in (customer.phone, customer.name, order.recipient_phone, order.recipient_name,
                   order.address_detail, "gAAAAA"):
        assert secret not in blob
    assert str(order.number) in blob  # the order itself is there
