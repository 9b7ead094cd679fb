"""Invariants of the parcel tables the reader derives (``logistics_tables``), on random
orders and parcels in a DuckDB of their own (no OLTP database): each order's GMV is spread
over its parcels without loss (by the goods each carries, or evenly over parcels from before
parcels had lines), each paid order has one row with its first parcel, and the
ship-rate counts never exceed the orders counted."""

from datetime import datetime, timedelta
from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.analytics.logistics_tables import ORDER_SHIPPING_SQL, PARCEL_FACTS_SQL, region_group_sql
from zhanggui.core.regions import PROVINCES

START = datetime(2026, 11, 1)

order_st = st.fixed_dictionaries({
    "paid": st.booleans(), "cancelled": st.booleans(),
    "paid_amount": st.decimals(min_value=0, max_value=5000, places=2),
    "lines": st.lists(st.tuples(st.integers(1, 4), st.decimals(min_value=0, max_value=900, places=2)),
                      min_size=1, max_size=3),
    "province": st.sampled_from([p.code for p in PROVINCES] + [""]),
    "legacy": st.booleans(),  # parcels from before parcels had lines
})
parcel_st = st.fixed_dictionaries({
    "cancelled": st.booleans(),
    "shipped_hours": st.one_of(st.none(), st.integers(0, 200)),
    "collected_after": st.one_of(st.none(), st.integers(0, 48)),
})


def _database(orders: list[dict], parcels: list[dict]) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("CREATE TABLE orders (order_id BIGINT, paid_at TIMESTAMP, status VARCHAR, channel VARCHAR, "
               "province_code VARCHAR, paid_amount DECIMAL(14,2))")
    db.execute("CREATE TABLE order_lines (line_id BIGINT, order_id BIGINT, quantity INTEGER, "
               "total_amount DECIMAL(14,2))")
    db.execute("CREATE TABLE shipments (shipment_id BIGINT, order_id BIGINT, warehouse_id BIGINT, "
               "carrier VARCHAR, service_level VARCHAR, promised_days INTEGER, status VARCHAR, "
               "issue VARCHAR, weight_grams INTEGER, cost_amount DECIMAL(14,2), shipped_at TIMESTAMP, "
               "collected_at TIMESTAMP, promised_at TIMESTAMP, delivered_at TIMESTAMP, failed_at TIMESTAMP)")
    db.execute("CREATE TABLE shipment_lines (shipment_line_id BIGINT, shipment_id BIGINT, order_id BIGINT, "
               "line_id BIGINT, quantity INTEGER)")
    line_id, shipment_id, sl_id = 0, 0, 0
    for order_id, order in enumerate(orders, start=1):
        paid_at = START + timedelta(hours=order_id) if order["paid"] else None
        db.execute("INSERT INTO orders VALUES (?, ?, ?, 'own', ?, ?)",
                   [order_id, paid_at, "cancelled" if order["cancelled"] else "paid",
                    order["province"], order["paid_amount"]])
        lines = []
        for quantity, total in order["lines"]:
            line_id += 1
            lines.append((line_id, quantity))
            db.execute("INSERT INTO order_lines VALUES (?, ?, ?, ?)", [line_id, order_id, quantity, total])
        # The order's units spread over its parcels (each line's units, one by one, in turn).
        mine = parcels[order_id % len(parcels):] + parcels[:order_id % len(parcels)]
        mine = mine[:1 + order_id % 3]
        ids = []
        for parcel in mine:
            shipment_id += 1
            ids.append(shipment_id)
            shipped = (START + timedelta(hours=parcel["shipped_hours"])
                       if parcel["shipped_hours"] is not None else None)
            collected = (shipped + timedelta(hours=parcel["collected_after"])
                         if shipped and parcel["collected_after"] is not None else None)
            db.execute("INSERT INTO shipments VALUES (?, ?, 1, 'sf', NULL, NULL, ?, '', NULL, NULL, ?, ?, "
                       "NULL, NULL, NULL)",
                       [shipment_id, order_id, "cancelled" if parcel["cancelled"] else "shipped",
                        shipped, collected])
        units: dict = {}
        turn = 0
        for line, quantity in ([] if order["legacy"] else lines):
            for _unit in range(quantity):
                key = (ids[turn % len(ids)], line)
                units[key] = units.get(key, 0) + 1
                turn += 1
        for (shipment, line), quantity in units.items():
            sl_id += 1
            db.execute("INSERT INTO shipment_lines VALUES (?, ?, ?, ?, ?)",
                       [sl_id, shipment, order_id, line, quantity])
    db.execute(f"CREATE TABLE parcel_facts AS {PARCEL_FACTS_SQL}")
    db.execute(f"CREATE TABLE order_shipping AS {ORDER_SHIPPING_SQL}")
    return db


@settings(max_examples=30, deadline=None)
@given(st.lists(order_st, min_size=1, max_size=6), st.lists(parcel_st, min_size=1, max_size=4))
def test_gmv_is_spread_without_loss_and_each_paid_order_has_its_first_parcel(orders, parcels):
    db = _database(orders, parcels)
    # Each paid, not cancelled order with a live parcel: its parcels carry its paid amount
    # (to a cent per parcel); other orders' parcels carry nothing of it.
    rows = db.execute("""
        SELECT o.order_id, o.paid_amount, o.paid_at IS NOT NULL AND o.status <> 'cancelled',
               coalesce(sum(p.gmv_basis), 0), count(p.shipment_id)
        FROM orders o LEFT JOIN parcel_facts p USING (order_id) GROUP BY ALL""").fetchall()
    for order_id, paid_amount, sold, carried, count in rows:
        if not sold or count == 0:
            assert carried == 0, order_id
        else:
            assert abs(carried - paid_amount) <= Decimal("0.01") * count, order_id
    assert db.execute("SELECT count(*) FROM parcel_facts WHERE status = 'cancelled'").fetchall()[0][0] == 0
    # One row per paid, not cancelled order, with its earliest hand-over.
    shipping = dict(db.execute("SELECT order_id, first_handed_over_at FROM order_shipping").fetchall())
    sold = {order_id for order_id, _amount, is_sold, _c, _n in rows if is_sold}
    assert set(shipping) == sold
    firsts = dict(db.execute("""
        SELECT order_id, min(coalesce(collected_at, shipped_at)) FROM shipments
        WHERE status <> 'cancelled' GROUP BY order_id""").fetchall())
    for order_id in sold:
        assert shipping[order_id] == firsts.get(order_id), order_id


def test_every_province_has_its_region_group():
    db = duckdb.connect()
    for province in PROVINCES:
        group = db.execute(f"SELECT {region_group_sql(repr(province.code))}").fetchall()[0][0]
        assert group == province.group.value
    assert db.execute(f"SELECT {region_group_sql(repr('999999'))}").fetchall()[0][0] == ""
