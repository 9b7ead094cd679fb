"""A hand-made set of parcels whose every logistics number is worked out by hand in
``test_logistics_metrics`` and ``test_logistics_report`` (imported from there; no tests here).

Period under test: 2026-11-01 ≤ day < 2026-11-08 (shop time, Asia/Shanghai). Warehouses W1
(Zhejiang) and W2 (Guangdong). Orders are 1 × ¥100.00 unless said; "collected" is the
carrier's collection scan, "shipped" the hand-over at the warehouse.

- O1 paid 11-02 10:00 (¥110.00 with shipping), Zhejiang (east): P1 sf from W1, shipped
  11-02 18:00, collected 20:00 (10 h), delivered 11-04 12:00, promised 11-05 20:00 (on time),
  ¥12.00, 1500 g.
- O2 paid 11-03 09:00, Guangdong (south): P2 zto from W1, shipped 11-04 20:00 (35 h) but
  collected 11-05 12:00 (51 h: late, the scan counts), delivered 11-07 10:00, promised
  11-06 12:00 (late), ¥8.00, 500 g.
- O3 paid 11-04 08:00 (a parcel from before scans, promises and charges): P3 sf from W2,
  shipped 11-05 07:00 (47 h by the hand-over), delivered 11-06 09:00 with no promise.
- O4 paid 11-05 12:00, Guangdong: its only parcel P4 (zto, W2) cancelled; never shipped.
- O5 paid 11-06 10:00, 2 units (¥200.00), split: P5a sf from W1 with 1 unit, shipped 19:00,
  collected 20:00 (10 h), damaged, ¥10.00, 2000 g; P5b zto from W2 with 1 unit, collected
  11-09 10:00 (the next week), ¥6.00, 1000 g.
- O7a paid 11-03 10:00 and O7b 11-03 12:00, one buyer, merged into P7 (opened for O7a) yto
  from W1, shipped 11-04 08:00, collected 09:00 (23 h and 21 h), delivered 11-05 10:00,
  promised 11-06 12:00 (on time), ¥15.00, 3000 g.
- O8 paid 11-06 12:00, marked shipped with no parcel on record.
- O9 paid 11-02 12:00, cancelled.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.fulfillment.models import Shipment, ShipmentLine
from zhanggui.orders.models import Order, Payment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None


def paid_order(sku, customer, paid: str, *, quantity: int = 1, shipping: str = "0.00",
               province: str = "330000") -> Order:
    order = factories.make_order(sku=sku, customer=customer, quantity=quantity, status="paid",
                                 shipping=shipping)
    Order.objects.filter(pk=order.pk).update(placed_at=at(paid), paid_at=at(paid))
    Payment.objects.filter(order=order).update(created_at=at(paid))
    order.refresh_from_db()
    if province != order.province_code:
        order.province_code = province  # an address part: saved with its blind index
        order.save()
    return order


def parcel(orders: list[tuple[Order, int]], warehouse_row, carrier: str, *, status: str = "shipped",
           shipped: str | None = None, collected: str | None = None, delivered: str | None = None,
           promised: str | None = None, cost: str | None = None, weight: int | None = None,
           issue: str = "") -> Shipment:
    """A parcel carrying ``quantity`` units of each order's (only) line, opened for the first."""
    shipment = Shipment.objects.create(
        order=orders[0][0], warehouse=warehouse_row, carrier=carrier, status=status,
        shipped_at=at(shipped), collected_at=at(collected), delivered_at=at(delivered),
        promised_at=at(promised), cost_amount=Decimal(cost) if cost else None,
        weight_grams=weight, issue=issue, failed_at=at(collected) if issue else None)
    for order, quantity in orders:
        line = order.lines.get()
        ShipmentLine.objects.create(shipment=shipment, order_line=line, sku=line.sku,
                                    quantity=quantity)
    return shipment


def build_parcels() -> dict:
    """Write the orders and parcels of the module docstring and build the warehouse."""
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    w1, w2 = factories.make_warehouse("330000"), factories.make_warehouse("440000")
    factories.stock_up(sku, w1, 100)
    buyer = factories.make_customer()
    o1 = paid_order(sku, buyer, "2026-11-02 10:00", shipping="10.00")
    o2 = paid_order(sku, buyer, "2026-11-03 09:00", province="440000")
    o3 = paid_order(sku, buyer, "2026-11-04 08:00")
    o4 = paid_order(sku, buyer, "2026-11-05 12:00", province="440000")
    o5 = paid_order(sku, buyer, "2026-11-06 10:00", quantity=2)
    o7a = paid_order(sku, buyer, "2026-11-03 10:00")
    o7b = paid_order(sku, buyer, "2026-11-03 12:00")
    o8 = paid_order(sku, buyer, "2026-11-06 12:00")
    o9 = paid_order(sku, buyer, "2026-11-02 12:00")
    Order.objects.filter(pk=o8.pk).update(status="shipped")
    Order.objects.filter(pk=o9.pk).update(status="cancelled", cancelled_at=at("2026-11-02 13:00"))
    parcels = {
        "P1": parcel([(o1, 1)], w1, "sf", status="delivered", shipped="2026-11-02 18:00",
                     collected="2026-11-02 20:00", delivered="2026-11-04 12:00",
                     promised="2026-11-05 20:00", cost="12.00", weight=1500),
        "P2": parcel([(o2, 1)], w1, "zto", status="delivered", shipped="2026-11-04 20:00",
                     collected="2026-11-05 12:00", delivered="2026-11-07 10:00",
                     promised="2026-11-06 12:00", cost="8.00", weight=500),
        "P3": parcel([(o3, 1)], w2, "sf", status="delivered", shipped="2026-11-05 07:00",
                     delivered="2026-11-06 09:00"),
        "P4": parcel([(o4, 1)], w2, "zto", status="cancelled"),
        "P5a": parcel([(o5, 1)], w1, "sf", status="failed", shipped="2026-11-06 19:00",
                      collected="2026-11-06 20:00", cost="10.00", weight=2000, issue="damaged"),
        "P5b": parcel([(o5, 1)], w2, "zto", status="in_transit", shipped="2026-11-09 08:00",
                      collected="2026-11-09 10:00", cost="6.00", weight=1000),
        "P7": parcel([(o7a, 1), (o7b, 1)], w1, "yto", status="delivered",
                     shipped="2026-11-04 08:00", collected="2026-11-04 09:00",
                     delivered="2026-11-05 10:00", promised="2026-11-06 12:00", cost="15.00",
                     weight=3000),
    }
    warehouse.rebuild()
    return {"sku": sku, "buyer": buyer, "warehouses": (w1, w2), "parcels": parcels,
            "orders": {"O1": o1, "O2": o2, "O3": o3, "O4": o4, "O5": o5, "O7a": o7a,
                       "O7b": o7b, "O8": o8, "O9": o9}}
