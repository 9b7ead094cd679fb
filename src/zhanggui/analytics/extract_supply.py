"""What the warehouse copies of the supply side: suppliers and what they supply, purchase
orders and their receipts (inspection: accepted, rejected with reason, short; landed cost),
messages exchanged with suppliers (times and direction only, never the text), drop-ship
supplier orders, ad spend, SKUs and stock levels, and the dispositions of returned lines.

Modes, as ``extract``'s (``extract.EXTRACTS`` lists these after its own):

- ``purchase_orders``, ``supplier_orders``: by ``updated_at``; ``purchase_order_lines`` with
  their order (``by_parent``: every action that edits a PO's lines or receives against it
  must save the PO's ``updated_at``).
- ``receipts``, ``receipt_lines``, ``supplier_messages``: append-only, by id.
- ``returned_lines``: after-sales lines re-read by their request's ``updated_at`` (the
  disposition restocked/scrapped is set when the goods come back, with the request saved).
- ``suppliers``, ``supplier_items``, ``ad_spend``, ``skus``, ``stock_levels``: small tables
  that rows may leave (an item or a day's spend deleted), re-read whole; a table whose rows
  did not change keeps its files.
"""

from zhanggui.analytics.extract import MONEY, TS, Extract

LEAD = "DECIMAL(5,1)"

SUPPLIERS = Extract(
    table="suppliers", key="supplier_id", mode="whole",
    select="""SELECT s.id, s.code, s.name, s.warehouse_id, s.payment_terms, s.is_active
              FROM suppliers_supplier s""",
    columns=(("supplier_id", "BIGINT"), ("code", "VARCHAR"), ("name", "VARCHAR"),
             ("warehouse_id", "BIGINT"), ("payment_terms", "VARCHAR"), ("is_active", "BOOLEAN")),
)
SUPPLIER_ITEMS = Extract(
    table="supplier_items", key="supplier_item_id", mode="whole",
    select="""SELECT i.id, i.supplier_id, i.sku_id, k.product_id, i.unit_cost, i.moq, i.pack_size,
                     i.lead_time_days, i.lead_time_std_days, i.is_preferred
              FROM suppliers_supplieritem i JOIN catalog_sku k ON k.id = i.sku_id""",
    columns=(("supplier_item_id", "BIGINT"), ("supplier_id", "BIGINT"), ("sku_id", "BIGINT"),
             ("product_id", "BIGINT"), ("unit_cost", MONEY), ("moq", "INTEGER"),
             ("pack_size", "INTEGER"), ("lead_time_days", LEAD), ("lead_time_std_days", LEAD),
             ("is_preferred", "BOOLEAN")),
)
PURCHASE_ORDERS = Extract(
    table="purchase_orders", key="purchase_order_id", mode="by_updated_at", watermark="po.updated_at",
    select="""SELECT po.id, po.number, po.supplier_id, po.warehouse_id, po.status, po.source,
                     po.freight_amount, po.expected_on, po.sent_at, po.received_at, po.closed_at,
                     po.cancelled_at, po.created_at, po.updated_at
              FROM suppliers_purchaseorder po""",
    columns=(("purchase_order_id", "BIGINT"), ("number", "VARCHAR"), ("supplier_id", "BIGINT"),
             ("warehouse_id", "BIGINT"), ("status", "VARCHAR"), ("source", "VARCHAR"),
             ("freight_amount", MONEY), ("expected_on", "DATE"), ("sent_at", TS),
             ("received_at", TS), ("closed_at", TS), ("cancelled_at", TS), ("created_at", TS),
             ("updated_at", TS)),
)
PURCHASE_ORDER_LINES = Extract(
    table="purchase_order_lines", key="purchase_order_line_id", mode="by_parent",
    parent="purchase_order_id", parent_table="purchase_orders",
    select="""SELECT pl.id, pl.purchase_order_id, pl.sku_id, k.product_id, pl.quantity, pl.unit_cost,
                     pl.received_quantity, pl.rejected_quantity
              FROM suppliers_purchaseorderline pl JOIN catalog_sku k ON k.id = pl.sku_id""",
    columns=(("purchase_order_line_id", "BIGINT"), ("purchase_order_id", "BIGINT"),
             ("sku_id", "BIGINT"), ("product_id", "BIGINT"), ("quantity", "INTEGER"),
             ("unit_cost", MONEY), ("received_quantity", "INTEGER"), ("rejected_quantity", "INTEGER")),
)
RECEIPTS = Extract(
    table="receipts", key="receipt_id", mode="by_id", watermark="r.id",
    select="""SELECT r.id, r.purchase_order_id, r.number, r.allow_over_receipt, r.freight_amount,
                     r.received_at
              FROM suppliers_receipt r""",
    columns=(("receipt_id", "BIGINT"), ("purchase_order_id", "BIGINT"), ("number", "VARCHAR"),
             ("allow_over_receipt", "BOOLEAN"), ("freight_amount", MONEY), ("received_at", TS)),
)
# Written with their receipt, never changed: by id like the receipts.
RECEIPT_LINES = Extract(
    table="receipt_lines", key="receipt_line_id", mode="by_id", watermark="rl.id",
    select="""SELECT rl.id, rl.receipt_id, rl.line_id, pl.sku_id, rl.accepted, rl.rejected,
                     rl.reject_reason, rl.short, rl.landed_unit_cost
              FROM suppliers_receiptline rl
              JOIN suppliers_purchaseorderline pl ON pl.id = rl.line_id""",
    columns=(("receipt_line_id", "BIGINT"), ("receipt_id", "BIGINT"),
             ("purchase_order_line_id", "BIGINT"), ("sku_id", "BIGINT"), ("accepted", "INTEGER"),
             ("rejected", "INTEGER"), ("reject_reason", "VARCHAR"), ("short", "INTEGER"),
             ("landed_unit_cost", MONEY)),
)
# Who wrote when (the reply-time score); the text stays in the OLTP database.
SUPPLIER_MESSAGES = Extract(
    table="supplier_messages", key="message_id", mode="by_id", watermark="m.id",
    select="""SELECT m.id, m.supplier_id, m.direction, m.purchase_order_id, m.sent_at
              FROM suppliers_suppliermessage m""",
    columns=(("message_id", "BIGINT"), ("supplier_id", "BIGINT"), ("direction", "VARCHAR"),
             ("purchase_order_id", "BIGINT"), ("sent_at", TS)),
)
SUPPLIER_ORDERS = Extract(
    table="supplier_orders", key="supplier_order_id", mode="by_updated_at", watermark="so.updated_at",
    select="""SELECT so.id, so.number, so.shipment_id, sh.order_id, so.supplier_id, so.status,
                     so.cost_amount, so.accepted_at, so.shipped_at, so.created_at, so.updated_at
              FROM fulfillment_supplierorder so
              JOIN fulfillment_shipment sh ON sh.id = so.shipment_id""",
    columns=(("supplier_order_id", "BIGINT"), ("number", "VARCHAR"), ("shipment_id", "BIGINT"),
             ("order_id", "BIGINT"), ("supplier_id", "BIGINT"), ("status", "VARCHAR"),
             ("cost_amount", MONEY), ("accepted_at", TS), ("shipped_at", TS), ("created_at", TS),
             ("updated_at", TS)),
)
AD_SPEND = Extract(
    table="ad_spend", key="ad_spend_id", mode="whole",
    select="SELECT a.id, a.day, a.channel, a.product_id, a.amount FROM marketing_adspend a",
    columns=(("ad_spend_id", "BIGINT"), ("day", "DATE"), ("channel", "VARCHAR"),
             ("product_id", "BIGINT"), ("amount", MONEY)),
)
SKUS = Extract(
    table="skus", key="sku_id", mode="whole",
    select="""SELECT k.id, k.product_id, k.code, k.price_amount, k.cost_amount, k.is_active
              FROM catalog_sku k""",
    columns=(("sku_id", "BIGINT"), ("product_id", "BIGINT"), ("code", "VARCHAR"),
             ("price_amount", MONEY), ("cost_amount", MONEY), ("is_active", "BOOLEAN")),
)
# Stock as it is now (the ledger's history is ``extract_stock``'s).
STOCK_LEVELS = Extract(
    table="stock_levels", key="stock_id", mode="whole",
    select="""SELECT st.id, st.sku_id, st.warehouse_id, st.on_hand, st.reserved
              FROM inventory_stock st""",
    columns=(("stock_id", "BIGINT"), ("sku_id", "BIGINT"), ("warehouse_id", "BIGINT"),
             ("on_hand", "INTEGER"), ("reserved", "INTEGER")),
)
RETURNED_LINES = Extract(
    table="returned_lines", key="aftersales_line_id", mode="by_updated_at",
    watermark="r.updated_at",
    changed_since="al.request_id IN (SELECT id FROM aftersales_aftersalesrequest WHERE updated_at > %s)",
    select="""SELECT al.id, r.id, r.order_id, al.order_line_id, l.sku_id, r.kind, r.reason_code,
                     r.status, al.quantity, al.disposition, r.requested_at, r.received_at,
                     r.updated_at
              FROM aftersales_aftersalesline al
              JOIN aftersales_aftersalesrequest r ON r.id = al.request_id
              JOIN orders_orderline l ON l.id = al.order_line_id""",
    columns=(("aftersales_line_id", "BIGINT"), ("request_id", "BIGINT"), ("order_id", "BIGINT"),
             ("line_id", "BIGINT"), ("sku_id", "BIGINT"), ("kind", "VARCHAR"),
             ("reason_code", "VARCHAR"), ("status", "VARCHAR"), ("quantity", "INTEGER"),
             ("disposition", "VARCHAR"), ("requested_at", TS), ("received_at", TS),
             ("updated_at", TS)),
)

# A by_parent table comes after its parent.
SUPPLY_EXTRACTS = (SUPPLIERS, SUPPLIER_ITEMS, PURCHASE_ORDERS, PURCHASE_ORDER_LINES, RECEIPTS,
                   RECEIPT_LINES, SUPPLIER_MESSAGES, SUPPLIER_ORDERS, AD_SPEND, SKUS,
                   STOCK_LEVELS, RETURNED_LINES)
