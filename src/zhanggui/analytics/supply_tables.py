"""The tables the warehouse refresh derives for the supply reports (``rollups.DERIVED`` adds
them after the logistics ones): each order line with the supplier it is charged to, each
drop-ship supplier order with its payment and GMV share, each purchase order with its
promise and completion, the units and amounts each supplier is scored on, and the waits
for a supplier's reply. Plain data here (name → inputs, label, SQL), as ``logistics_tables``.

Choices (docs/analytics.md, "Suppliers"):

- An order line belongs to the drop-ship supplier whose (not cancelled) supplier order
  carries it; otherwise to the supplier the SKU is ordered from (as
  ``suppliers.queries.preferred_items``: the preferred item of an active supplier, else the
  cheapest, ties to the lowest id); a SKU nobody supplies has no supplier.
- Returns for quality reasons: after-sales lines of returns and exchanges, not rejected,
  with reason quality, not as described or missing parts (damage in transit is the carrier's,
  a changed mind nobody's).
"""

from django.utils.translation import gettext_lazy as _

QUALITY_REASONS = ("quality", "not_as_described", "missing_part")
_QUALITY = ", ".join(f"'{r}'" for r in QUALITY_REASONS)

LINE_SUPPLIERS_SQL = """
    WITH dropship AS (
        SELECT sl.line_id, min(so.supplier_id) AS supplier_id
        FROM shipment_lines sl JOIN supplier_orders so USING (shipment_id)
        WHERE so.status <> 'cancelled'
        GROUP BY sl.line_id
    ), preferred AS (
        SELECT i.sku_id, i.supplier_id FROM supplier_items i JOIN suppliers s USING (supplier_id)
        QUALIFY row_number() OVER (PARTITION BY i.sku_id
                                   ORDER BY s.is_active DESC, i.is_preferred DESC, i.unit_cost,
                                            i.supplier_id) = 1
    )
    SELECT l.line_id, l.order_id, l.sku_id, l.product_id, l.quantity, l.total_amount,
           coalesce(d.supplier_id, p.supplier_id) AS supplier_id,
           d.supplier_id IS NOT NULL AS is_drop_ship
    FROM order_lines l LEFT JOIN dropship d USING (line_id) LEFT JOIN preferred p USING (sku_id)"""

# Each live supplier order of a paid (not cancelled) order, with its parcel's GMV share.
DROPSHIP_ORDERS_SQL = """
    SELECT so.supplier_order_id, so.number, so.supplier_id, so.shipment_id, so.order_id,
           so.status, so.cost_amount, so.shipped_at, so.created_at, o.paid_at, o.channel,
           o.number AS order_number, CAST(coalesce(pf.gmv_basis, 0) AS DECIMAL(14, 2)) AS gmv_basis
    FROM supplier_orders so JOIN orders o USING (order_id)
    LEFT JOIN parcel_facts pf USING (shipment_id)
    WHERE so.status <> 'cancelled' AND o.paid_at IS NOT NULL AND o.status <> 'cancelled'
    ORDER BY o.paid_at, so.supplier_order_id"""

# Purchase orders sent, with the promised date (sent + the longest lead time of its items at
# that supplier; the PO's expected date when none is known) and when they were completed.
PO_FACTS_SQL = """
    WITH lead AS (
        SELECT pl.purchase_order_id, max(i.lead_time_days) AS lead_days
        FROM purchase_order_lines pl JOIN purchase_orders po USING (purchase_order_id)
        JOIN supplier_items i ON i.supplier_id = po.supplier_id AND i.sku_id = pl.sku_id
        GROUP BY pl.purchase_order_id
    ), delivered AS (
        SELECT purchase_order_id, max(received_at) AS last_received_at FROM receipts
        GROUP BY purchase_order_id
    )
    SELECT po.purchase_order_id, po.number, po.supplier_id, po.status, po.sent_at, l.lead_days,
           coalesce(CAST(po.sent_at + to_seconds(CAST(round(l.lead_days * 86400) AS BIGINT)) AS DATE),
                    po.expected_on) AS promised_on,
           CASE WHEN po.status IN ('received', 'closed')
                THEN coalesce(po.received_at, d.last_received_at) END AS completed_at
    FROM purchase_orders po LEFT JOIN lead l USING (purchase_order_id)
    LEFT JOIN delivered d USING (purchase_order_id)
    WHERE po.sent_at IS NOT NULL AND po.status <> 'cancelled'"""

# Units a supplier is scored on, each at its time: inspected at our receipts (accepted +
# rejected) and rejected there, shipped to buyers by a drop-ship supplier, and returned by
# buyers for a quality reason.
SUPPLIER_UNITS_SQL = f"""
    SELECT po.supplier_id, r.received_at AS at, 'inspected' AS kind, rl.accepted + rl.rejected AS units
    FROM receipt_lines rl JOIN receipts r USING (receipt_id) JOIN purchase_orders po USING (purchase_order_id)
    UNION ALL
    SELECT po.supplier_id, r.received_at, 'rejected', rl.rejected
    FROM receipt_lines rl JOIN receipts r USING (receipt_id) JOIN purchase_orders po USING (purchase_order_id)
    WHERE rl.rejected > 0
    UNION ALL
    SELECT so.supplier_id, so.shipped_at, 'drop_shipped', sl.quantity
    FROM supplier_orders so JOIN shipment_lines sl USING (shipment_id)
    WHERE so.status = 'shipped' AND so.shipped_at IS NOT NULL
    UNION ALL
    SELECT ls.supplier_id, rt.requested_at, 'returned_quality', rt.quantity
    FROM returned_lines rt JOIN line_suppliers ls USING (line_id)
    WHERE rt.kind IN ('return', 'exchange') AND rt.status <> 'rejected'
      AND rt.reason_code IN ({_QUALITY}) AND ls.supplier_id IS NOT NULL"""

# Amounts of the return loss, each at its time: refunds of return requests spread over the
# request's lines by their value, the value of returned units restocked as sellable, and the
# goods paid (line totals of paid, not cancelled orders).
SUPPLIER_MONEY_SQL = """
    WITH request_lines AS (
        SELECT rt.request_id, rt.line_id, ls.supplier_id,
               rt.quantity * l.total_amount / l.quantity AS value
        FROM returned_lines rt JOIN order_lines l USING (line_id) JOIN line_suppliers ls USING (line_id)
        WHERE rt.kind = 'return' AND l.quantity > 0
    ), shares AS (
        SELECT *, CASE WHEN sum(value) OVER (PARTITION BY request_id) > 0
                       THEN value / sum(value) OVER (PARTITION BY request_id)
                       ELSE 1.0 / count(*) OVER (PARTITION BY request_id) END AS share
        FROM request_lines
    )
    SELECT s.supplier_id, r.created_at AS at, 'return_refund' AS kind,
           CAST(r.amount * s.share AS DECIMAL(18, 4)) AS amount
    FROM refunds r JOIN shares s USING (request_id)
    WHERE s.supplier_id IS NOT NULL
    UNION ALL
    SELECT ls.supplier_id, rt.received_at, 'restocked',
           CAST(rt.quantity * l.total_amount / l.quantity AS DECIMAL(18, 4))
    FROM returned_lines rt JOIN order_lines l USING (line_id) JOIN line_suppliers ls USING (line_id)
    WHERE rt.disposition = 'restock' AND rt.received_at IS NOT NULL AND l.quantity > 0
      AND ls.supplier_id IS NOT NULL
    UNION ALL
    SELECT ls.supplier_id, o.paid_at, 'goods_paid', CAST(ls.total_amount AS DECIMAL(18, 4))
    FROM line_suppliers ls JOIN orders o USING (order_id)
    WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled' AND ls.supplier_id IS NOT NULL"""

# Each of our messages that starts a wait (the first since the supplier last wrote: later
# ones are reminders) with the supplier's next message, if any.
SUPPLIER_WAITS_SQL = """
    WITH ordered AS (
        SELECT *, lag(direction) OVER (PARTITION BY supplier_id ORDER BY sent_at, message_id) AS before
        FROM supplier_messages
    ), waits AS (
        SELECT message_id, supplier_id, sent_at FROM ordered
        WHERE direction = 'out' AND (before IS NULL OR before = 'in')
    ), answered AS (
        SELECT w.message_id, min(i.sent_at) AS replied_at
        FROM waits w JOIN supplier_messages i
             ON i.supplier_id = w.supplier_id AND i.direction = 'in' AND i.sent_at >= w.sent_at
        GROUP BY w.message_id
    )
    SELECT w.*, a.replied_at,
           date_diff('second', w.sent_at, a.replied_at) / 60.0 AS reply_minutes
    FROM waits w LEFT JOIN answered a USING (message_id)
    ORDER BY w.sent_at"""

# Stock now, per SKU, over every warehouse.
SKU_STOCK_SQL = """
    SELECT sku_id, sum(on_hand) AS on_hand, sum(on_hand - reserved) AS available
    FROM stock_levels GROUP BY sku_id"""

# name → (inputs, label, SQL), in order: a table may read one above it (and parcel_facts).
DERIVED = {
    "line_suppliers": ({"order_lines", "shipment_lines", "supplier_orders", "supplier_items",
                        "suppliers"},
                       _("Each order line with the supplier it is charged to"), LINE_SUPPLIERS_SQL),
    "dropship_orders": ({"supplier_orders", "orders", "parcel_facts"},
                        _("Each drop-ship supplier order with its payment and GMV share"),
                        DROPSHIP_ORDERS_SQL),
    "po_facts": ({"purchase_orders", "purchase_order_lines", "supplier_items", "receipts"},
                 _("Each purchase order sent, with its promised date and completion"), PO_FACTS_SQL),
    "supplier_units": ({"receipt_lines", "receipts", "purchase_orders", "supplier_orders",
                        "shipment_lines", "returned_lines", "line_suppliers"},
                       _("Units each supplier is scored on: inspected, rejected, drop-shipped, "
                         "returned for quality"), SUPPLIER_UNITS_SQL),
    "supplier_money": ({"refunds", "returned_lines", "order_lines", "line_suppliers", "orders"},
                       _("Refunds of returns, restocked value and goods paid per supplier"),
                       SUPPLIER_MONEY_SQL),
    "supplier_waits": ({"supplier_messages"}, _("Our messages waiting for a supplier's reply"),
                       SUPPLIER_WAITS_SQL),
    "sku_stock": ({"stock_levels"}, _("Stock of each SKU over all warehouses"), SKU_STOCK_SQL),
}
