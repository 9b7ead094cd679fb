"""What the warehouse copies out of the OLTP database, table by table.

Each ``Extract`` is one portable SELECT (SQLite and PostgreSQL) and the DuckDB types of its
columns. Mutable tables are re-read by a watermark on their ``updated_at`` (plus their
children, keyed by the parent); append-only tables by their id; small dimension tables are
re-read whole at every refresh. Times are read in UTC and converted to the shop's time zone
when written, so reports compare plain local timestamps.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from django.db import connection

Mode = Literal["by_updated_at", "by_parent", "by_id", "whole"]
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class Extract:
    table: str
    key: str
    mode: Mode
    select: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type); timestamps are converted
    watermark: str = ""  # the OLTP column compared to the watermark
    # The condition reading the rows changed since the watermark (%s), when not
    # ``watermark > %s``: a watermark on a joined table is best found through its own index.
    changed_since: str = ""
    parent: str = ""  # by_parent: the key column of the parent table (e.g. order_id)
    parent_table: str = ""

    @property
    def names(self) -> list[str]:
        return [name for name, _type in self.columns]


MONEY = "DECIMAL(14,2)"
TS = "TIMESTAMP"

ORDERS = Extract(
    table="orders", key="order_id", mode="by_updated_at", watermark="o.updated_at",
    select="""SELECT o.id, o.number, o.customer_id, o.channel, o.status, o.province_code,
                     o.is_imported, o.goods_amount, o.discount_amount, o.shipping_amount,
                     o.total_amount, o.paid_amount, o.refunded_amount, o.placed_at, o.paid_at,
                     o.cancelled_at, c.is_guest, o.updated_at
              FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id""",
    columns=(("order_id", "BIGINT"), ("number", "VARCHAR"), ("customer_id", "BIGINT"),
             ("channel", "VARCHAR"), ("status", "VARCHAR"), ("province_code", "VARCHAR"),
             ("is_imported", "BOOLEAN"), ("goods_amount", MONEY), ("discount_amount", MONEY),
             ("shipping_amount", MONEY), ("total_amount", MONEY), ("paid_amount", MONEY),
             ("refunded_amount", MONEY), ("placed_at", TS), ("paid_at", TS), ("cancelled_at", TS),
             ("customer_is_guest", "BOOLEAN"), ("updated_at", TS)),
)
ORDER_LINES = Extract(
    table="order_lines", key="line_id", mode="by_parent", parent="order_id", parent_table="orders",
    select="""SELECT l.id, l.order_id, l.sku_id, s.product_id, l.quantity, l.unit_price_amount,
                     l.unit_cost_amount, l.discount_amount, l.total_amount, l.returned_quantity,
                     l.refunded_amount
              FROM orders_orderline l JOIN catalog_sku s ON s.id = l.sku_id""",
    columns=(("line_id", "BIGINT"), ("order_id", "BIGINT"), ("sku_id", "BIGINT"),
             ("product_id", "BIGINT"), ("quantity", "INTEGER"), ("unit_price", MONEY),
             ("unit_cost", MONEY), ("discount_amount", MONEY), ("total_amount", MONEY),
             ("returned_quantity", "INTEGER"), ("refunded_amount", MONEY)),
)
PAYMENTS = Extract(
    table="payments", key="payment_id", mode="by_id", watermark="p.id",
    select="""SELECT p.id, p.order_id, p.method, p.status, p.failure_reason, p.amount,
                     p.created_at FROM orders_payment p""",
    columns=(("payment_id", "BIGINT"), ("order_id", "BIGINT"), ("method", "VARCHAR"),
             ("status", "VARCHAR"), ("failure_reason", "VARCHAR"), ("amount", MONEY),
             ("created_at", TS)),
)
REFUNDS = Extract(
    table="refunds", key="refund_id", mode="by_id", watermark="r.id",
    select="SELECT r.id, r.order_id, r.request_id, r.amount, r.created_at FROM aftersales_refund r",
    columns=(("refund_id", "BIGINT"), ("order_id", "BIGINT"), ("request_id", "BIGINT"),
             ("amount", MONEY), ("created_at", TS)),
)
AFTERSALES = Extract(
    table="aftersales", key="aftersales_line_id", mode="by_updated_at", watermark="r.updated_at",
    # Not "r.updated_at > %s": SQLite would scan every request line and look up its order
    # line and request (seconds on a cold cache at 50,000 requests) instead of using the index.
    changed_since="al.request_id IN (SELECT id FROM aftersales_aftersalesrequest WHERE updated_at > %s)",
    select="""SELECT al.id, r.id, r.order_id, al.order_line_id, s.product_id, r.kind,
                     r.reason_code, r.status, al.quantity, r.requested_at, r.updated_at
              FROM aftersales_aftersalesline al
              JOIN aftersales_aftersalesrequest r ON r.id = al.request_id
              JOIN orders_orderline l ON l.id = al.order_line_id
              JOIN catalog_sku s ON s.id = l.sku_id""",
    columns=(("aftersales_line_id", "BIGINT"), ("request_id", "BIGINT"), ("order_id", "BIGINT"),
             ("line_id", "BIGINT"), ("product_id", "BIGINT"), ("kind", "VARCHAR"),
             ("reason_code", "VARCHAR"), ("status", "VARCHAR"), ("quantity", "INTEGER"),
             ("requested_at", TS), ("updated_at", TS)),
)
EVENTS = Extract(
    table="events", key="id", mode="by_id", watermark="e.id",
    select="""SELECT e.id, e.kind, e.visitor_id, e.session_id, e.customer_id, e.product_id,
                     e.order_id, e.search_term, e.result_count, e.source, e.channel, e.device,
                     e.occurred_at
              FROM traffic_event e""",
    columns=(("id", "BIGINT"), ("kind", "VARCHAR"), ("visitor_id", "VARCHAR"),
             ("session_id", "VARCHAR"), ("customer_id", "BIGINT"), ("product_id", "BIGINT"),
             ("order_id", "BIGINT"), ("search_term", "VARCHAR"), ("result_count", "INTEGER"),
             ("source", "VARCHAR"), ("channel", "VARCHAR"), ("device", "VARCHAR"),
             ("occurred_at", TS)),
)
CUSTOMERS = Extract(
    table="customers", key="customer_id", mode="by_updated_at", watermark="c.updated_at",
    select="""SELECT c.id, c.province_code, c.is_guest, c.created_at, c.updated_at
              FROM customers_customer c""",
    columns=(("customer_id", "BIGINT"), ("province_code", "VARCHAR"), ("is_guest", "BOOLEAN"),
             ("created_at", TS), ("updated_at", TS)),
)
PRODUCTS = Extract(
    table="products", key="product_id", mode="whole",
    select="""SELECT p.id, p.code, p.title, p.category_id, p.status, p.created_at
              FROM catalog_product p""",
    columns=(("product_id", "BIGINT"), ("code", "VARCHAR"), ("title", "VARCHAR"),
             ("category_id", "BIGINT"), ("status", "VARCHAR"), ("created_at", TS)),
)
CATEGORIES = Extract(
    table="categories", key="category_id", mode="whole",
    select="SELECT c.id, c.name, c.parent_id, c.level FROM catalog_category c",
    columns=(("category_id", "BIGINT"), ("name", "VARCHAR"), ("parent_id", "BIGINT"),
             ("level", "INTEGER")),
)

# Parcels (fulfillment): no recipient, no tracking number, no staff; the service's level and
# promised days come along. Every action that changes a parcel saves its ``updated_at``.
SHIPMENTS = Extract(
    table="shipments", key="shipment_id", mode="by_updated_at", watermark="s.updated_at",
    select="""SELECT s.id, s.order_id, s.warehouse_id, s.carrier, s.service_id, cs.level,
                     cs.promised_days, s.status, s.issue, s.weight_grams, s.cost_amount,
                     s.shipped_at, s.collected_at, s.promised_at, s.delivered_at, s.failed_at,
                     s.created_at, s.updated_at
              FROM fulfillment_shipment s
              LEFT JOIN fulfillment_carrierservice cs ON cs.id = s.service_id""",
    columns=(("shipment_id", "BIGINT"), ("order_id", "BIGINT"), ("warehouse_id", "BIGINT"),
             ("carrier", "VARCHAR"), ("service_id", "BIGINT"), ("service_level", "VARCHAR"),
             ("promised_days", "INTEGER"), ("status", "VARCHAR"), ("issue", "VARCHAR"),
             ("weight_grams", "INTEGER"), ("cost_amount", MONEY), ("shipped_at", TS),
             ("collected_at", TS), ("promised_at", TS), ("delivered_at", TS), ("failed_at", TS),
             ("created_at", TS), ("updated_at", TS)),
)
# The units of each order line in each parcel (re-read with their parcel): which orders a
# merged parcel carries, and the share of each order's value it carries.
SHIPMENT_LINES = Extract(
    table="shipment_lines", key="shipment_line_id", mode="by_parent", parent="shipment_id",
    parent_table="shipments",
    select="""SELECT sl.id, sl.shipment_id, l.order_id, sl.order_line_id, sl.quantity
              FROM fulfillment_shipmentline sl JOIN orders_orderline l ON l.id = sl.order_line_id""",
    columns=(("shipment_line_id", "BIGINT"), ("shipment_id", "BIGINT"), ("order_id", "BIGINT"),
             ("line_id", "BIGINT"), ("quantity", "INTEGER")),
)
WAREHOUSES = Extract(
    table="warehouses", key="warehouse_id", mode="whole",
    select="SELECT w.id, w.code, w.name, w.kind, w.province_code FROM inventory_warehouse w",
    columns=(("warehouse_id", "BIGINT"), ("code", "VARCHAR"), ("name", "VARCHAR"),
             ("kind", "VARCHAR"), ("province_code", "VARCHAR")),
)

# Extracts in modules of their own (they import ``Extract`` from here, so they come last).
from zhanggui.analytics.extract_stock import STOCK_MOVEMENTS  # noqa: E402

# A by_parent table comes after its parent (it is re-read for the parents that changed).
EXTRACTS = (ORDERS, ORDER_LINES, PAYMENTS, REFUNDS, AFTERSALES, EVENTS, CUSTOMERS, PRODUCTS,
            CATEGORIES, SHIPMENTS, SHIPMENT_LINES, WAREHOUSES, STOCK_MOVEMENTS)

# The supply side (suppliers, purchase orders, receipts, drop-ship orders, ad spend, stock).
from zhanggui.analytics.extract_supply import SUPPLY_EXTRACTS  # noqa: E402  (it imports Extract)

EXTRACTS += SUPPLY_EXTRACTS

# The service desk (tickets, agents, policy) and the campaigns (recipients, messages sent,
# offer usages, contact policy): ``extract_service``, ``extract_campaigns``.
from zhanggui.analytics.extract_campaigns import CAMPAIGN_EXTRACTS  # noqa: E402
from zhanggui.analytics.extract_service import SERVICE_EXTRACTS  # noqa: E402

EXTRACTS += SERVICE_EXTRACTS + CAMPAIGN_EXTRACTS

# Customers' profiles, tags and memberships, for segments (``extract_customers``).
from zhanggui.analytics.extract_customers import CUSTOMER_EXTRACTS  # noqa: E402  (it imports Extract)

EXTRACTS += CUSTOMER_EXTRACTS

# Who packed and shipped each parcel, and the packing bench's scans (``extract_staff``).
from zhanggui.analytics.extract_staff import STAFF_EXTRACTS  # noqa: E402  (it imports Extract)

EXTRACTS += STAFF_EXTRACTS

# Livestream sessions, their run sheets and figures (``extract_live``).
from zhanggui.analytics.extract_live import LIVE_EXTRACTS  # noqa: E402  (it imports Extract)

EXTRACTS += LIVE_EXTRACTS


def read_rows(extract: Extract, *, where: str = "", params: tuple = ()) -> Iterator[list[tuple]]:
    """Yield the rows of an extract in batches, read through Django's connection (so the
    rows of the current transaction are seen, as in tests)."""
    sql = extract.select + (f" WHERE {where}" if where else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(BATCH_ROWS)
            if not rows:
                return
            yield rows
