"""The suppliers' domain event (``events.catalogue``: purchase_order.received): one per
delivery received against a PO, written in the transaction of the receipt."""

from zhanggui.events import actions as events
from zhanggui.suppliers.models import PurchaseOrder, Receipt


def purchase_order_received(po: PurchaseOrder, receipt: Receipt) -> None:
    """``po``: after the receipt (its status and lines' received quantities updated)."""
    lines = [{"purchase_order_line_id": rl.line_id, "sku_id": rl.line.sku_id,
              "sku_code": rl.line.sku.code, "accepted": rl.accepted, "rejected": rl.rejected,
              "short": rl.short, "landed_unit_cost": rl.landed_unit_cost,
              "ordered_quantity": rl.line.quantity, "received_quantity": rl.line.received_quantity}
             for rl in receipt.lines.select_related("line__sku").order_by("line__sku_id")]
    events.record("purchase_order.received", subject_id=po.pk, occurred_at=receipt.received_at,
                  data={"purchase_order_id": po.pk, "number": po.number, "status": po.status,
                        "supplier_id": po.supplier_id, "warehouse_id": po.warehouse_id,
                        "receipt_id": receipt.pk, "receipt_number": receipt.number,
                        "received_at": receipt.received_at,
                        "freight_amount": receipt.freight_amount, "lines": lines})
