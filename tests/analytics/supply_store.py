"""A hand-made supply side whose every number is worked out by hand in ``test_supply_*``.

Period under test: 2026-11-01 ≤ day < 2026-11-08 (shop time, Asia/Shanghai).

Suppliers: S1 drop-ships product P1 (SKU K1, ¥100.00, its item costs ¥50.00) from its own
drop-ship warehouse WD; S2 supplies product P2 (SKU K2, ¥50.00, cost ¥20.00, lead time 5 days)
to our warehouse W1.

Drop-ship orders (1 × K1 = ¥100.00 each), one supplier order (cost ¥50.00) each:
- O1 paid 11-02 10:00, shipped by S1 11-03 09:00 (23 h: in time).
- O2 paid 11-03 10:00, shipped 11-06 10:00 (72 h: late).
- O3 paid 11-05 10:00, shipped 11-05 20:00 (in time).
- O4 cancelled (its supplier order too): never counts.
→ 48-hour rate 2 / 3; S1's goods paid ¥300.00; units drop-shipped 3.

Own stock: O5 paid 11-04 12:00, 2 × K2 = ¥100.00 (charged to S2, K2's supplier).

Returns: O1 1 unit, quality, requested 11-04, received 11-05, scrapped, refunded ¥100.00 on
11-05; O3 1 unit, changed mind, received 11-06, restocked (¥100.00), refunded ¥100.00 on 11-07;
O5 1 unit, quality, received 11-06, restocked (¥50.00), refunded ¥50.00 on 11-06.
→ S1: defect 1 / 3, return loss (200 − 100) / 300; S2: return loss (50 − 50) / 100 = 0.

Purchase orders of S2 (K2):
- PO1 × 10 sent 10-28 09:00 (promised 11-02): receipt R1 11-02 15:00 accepts 8, rejects 2
  (damaged); R2 11-04 10:00 accepts 2 and completes it: late.
- PO2 × 5 sent 11-01 09:00 (promised 11-06): R3 11-03 accepts 5: on time.
- PO3 × 4 sent 10-30 09:00 (promised 11-04), nothing received: overdue (as PO1 was).
→ on time 1 / 2; inspected 17, rejected 2, returned for quality 1: defect 3 / 17.

Messages: S1 out 11-02 10:00, out 10:01 (a reminder), in 10:03 → 3 min; out 11-03 09:00,
in 09:05 → 5 min: median 4. S2: out 11-04 10:00, never answered.

Ad spend: 11-02 P1 ¥20.00; 11-03 shop-wide ¥30.00; 11-05 P1 ¥40.00; 11-06 P1 ¥10.00 (P1 sells
nothing that day). Day GMV: 11-02 ¥100 (O1), 11-03 ¥100 (O2), 11-04 ¥100 (O5), 11-05 ¥100 (O3).
→ allocated: O1 ¥20.00, O2 ¥30.00 (all of 11-03's GMV), O3 ¥40.00; P1 spend 20 + 30 + 40 + 10
= 100, ROI 300 / 100 = 3.0; S1 300 / 90 = 3.33; shop ROI 400 / 100 = 4.0.
Profit (commission 5 %): O1 100 − 5 − 50 − 20 = 25; O2 15; O3 5.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests import factories
from zhanggui.aftersales.models import AftersalesLine, AftersalesRequest, Refund
from zhanggui.analytics import warehouse
from zhanggui.fulfillment.models import Shipment, ShipmentLine, SupplierOrder
from zhanggui.inventory.models import Warehouse
from zhanggui.marketing.models import AdSpend
from zhanggui.orders.models import Order, Payment
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    SupplierMessage,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None


def _paid(sku, paid: str, quantity: int = 1) -> Order:
    order = factories.make_order(sku=sku, quantity=quantity, status="paid")
    Order.objects.filter(pk=order.pk).update(placed_at=at(paid), paid_at=at(paid))
    Payment.objects.filter(order=order).update(created_at=at(paid))
    order.refresh_from_db()
    return order


def _dropship(order: Order, supplier, wd: Warehouse, n: int, *, shipped: str | None,
              status: str = "shipped") -> SupplierOrder:
    line = order.lines.get()
    parcel = Shipment.objects.create(order=order, warehouse=wd, carrier="sf",
                                     status="cancelled" if status == "cancelled" else "shipped",
                                     shipped_at=at(shipped))
    ShipmentLine.objects.create(shipment=parcel, order_line=line, sku=line.sku, quantity=line.quantity)
    return SupplierOrder.objects.create(number=f"DS-T-{n}", shipment=parcel, supplier=supplier,
                                        status=status, cost_amount=Decimal("50.00"),
                                        shipped_at=at(shipped))


def _return(order: Order, n: int, *, reason: str, requested: str, received: str,
            disposition: str, refund: str, refunded: str) -> None:
    line = order.lines.get()
    request = AftersalesRequest.objects.create(
        number=f"AS-T-{n}", order=order, kind="return", reason_code=reason, status="refunded",
        requested_amount=Decimal(refund), requested_at=at(requested), received_at=at(received))
    AftersalesLine.objects.create(request=request, order_line=line, quantity=1, disposition=disposition)
    Refund.objects.create(order=order, request=request, amount=Decimal(refund), reason="test",
                          created_at=at(refunded))


def _po(supplier, w1, sku, number: str, quantity: int, sent: str, *, status: str,
        receipts: list[tuple[str, int, int]], received: str | None = None) -> PurchaseOrder:
    po = PurchaseOrder.objects.create(number=number, supplier=supplier, warehouse=w1, status=status,
                                      sent_at=at(sent), received_at=at(received))
    line = PurchaseOrderLine.objects.create(purchase_order=po, sku=sku, quantity=quantity,
                                            unit_cost=Decimal("20.00"),
                                            received_quantity=sum(r[1] for r in receipts),
                                            rejected_quantity=sum(r[2] for r in receipts))
    for n, (when, accepted, rejected) in enumerate(receipts):
        receipt = Receipt.objects.create(purchase_order=po, number=f"{number}-R{n}", received_at=at(when))
        ReceiptLine.objects.create(receipt=receipt, line=line, accepted=accepted, rejected=rejected,
                                   reject_reason="damaged" if rejected else "",
                                   landed_unit_cost=Decimal("20.00"))
    return po


def build_supply() -> dict:
    """Write the store of the module docstring and build the warehouse."""
    k1 = factories.make_listed_sku(price="100.00", cost="40.00")
    k2 = factories.make_listed_sku(price="50.00", cost="20.00")
    w1 = factories.make_warehouse()
    factories.stock_up(k1, w1, 100)
    factories.stock_up(k2, w1, 100)
    wd = Warehouse.objects.create(code="WD", name="代发仓", kind="drop_ship", province_code="330000")
    s1 = factories.make_supplier(code="S1", name="一号代发", warehouse=wd)
    s2 = factories.make_supplier(code="S2", name="二号工厂")
    factories.make_supplier_item(s1, k1, unit_cost="50.00", lead_time_days="2.0")
    factories.make_supplier_item(s2, k2, unit_cost="20.00", lead_time_days="5.0")
    o1, o2, o3 = (_paid(k1, when) for when in ("2026-11-02 10:00", "2026-11-03 10:00",
                                                 "2026-11-05 10:00"))
    o4 = factories.make_order(sku=k1, status="cancelled")
    o5 = _paid(k2, "2026-11-04 12:00", quantity=2)
    _dropship(o1, s1, wd, 1, shipped="2026-11-03 09:00")
    _dropship(o2, s1, wd, 2, shipped="2026-11-06 10:00")
    _dropship(o3, s1, wd, 3, shipped="2026-11-05 20:00")
    _dropship(o4, s1, wd, 4, shipped=None, status="cancelled")
    _return(o1, 1, reason="quality", requested="2026-11-04 09:00", received="2026-11-05 09:00",
            disposition="scrap", refund="100.00", refunded="2026-11-05 10:00")
    _return(o3, 2, reason="changed_mind", requested="2026-11-05 21:00", received="2026-11-06 09:00",
            disposition="restock", refund="100.00", refunded="2026-11-07 10:00")
    _return(o5, 3, reason="quality", requested="2026-11-05 12:00", received="2026-11-06 12:00",
            disposition="restock", refund="50.00", refunded="2026-11-06 13:00")
    _po(s2, w1, k2, "PO-T-1", 10, "2026-10-28 09:00", status="received", received="2026-11-04 10:00",
        receipts=[("2026-11-02 15:00", 8, 2), ("2026-11-04 10:00", 2, 0)])
    _po(s2, w1, k2, "PO-T-2", 5, "2026-11-01 09:00", status="received", received="2026-11-03 10:00",
        receipts=[("2026-11-03 10:00", 5, 0)])
    _po(s2, w1, k2, "PO-T-3", 4, "2026-10-30 09:00", status="sent", receipts=[])
    for supplier, direction, when in [
            (s1, "out", "2026-11-02 10:00"), (s1, "out", "2026-11-02 10:01"),
            (s1, "in", "2026-11-02 10:03"), (s1, "out", "2026-11-03 09:00"),
            (s1, "in", "2026-11-03 09:05"), (s2, "out", "2026-11-04 10:00")]:
        SupplierMessage.objects.create(supplier=supplier, direction=direction, sent_at=at(when),
                                       body="…")
    p1 = k1.product
    for day, product, amount in [("2026-11-02", p1, "20.00"), ("2026-11-03", None, "30.00"),
                                 ("2026-11-05", p1, "40.00"), ("2026-11-06", p1, "10.00")]:
        AdSpend.objects.create(day=day, channel="zhitongche", product=product, amount=Decimal(amount))
    warehouse.rebuild()
    return {"k1": k1, "k2": k2, "p1": p1, "s1": s1, "s2": s2, "w1": w1, "wd": wd,
            "orders": [o1, o2, o3, o4, o5]}
