"""A hand-made team whose every number is worked out by hand in ``tests/team``.

Period under test: November 2026 (shop time). Staff: an operator (GMV of a category), a
service agent (first response time, CSAT), a warehouse packer (ship rate, pick accuracy) and
a designer (listing quality).

- Category 服饰 (a subcategory 外套 under it) holds SKU A (100.00); another category holds
  SKU B (50.00). Paid in November: order 1 (2 × A = 200.00, own), order 2 (1 × A = 100.00,
  taobao), order 3 (1 × B = 50.00, own) → line_gmv of 服饰 300.00, gmv 350.00, own 250.00.
- Agent: T1 reply after 2 min rated 5, T2 after 10 min rated 3, T3 after 4 min (no rating)
  → median first response 4 min, CSAT 1 / 2. Another agent's T4 (60 min, rated 1) is not his.
- Packer: packs the parcels of orders 1 and 2 (collected 10 h and 60 h after payment) and
  order 3's parcel (collected 20 h after) → ship rate 2 / 3. Order 2's parcel had a refused
  scan → pick accuracy 2 / 3 (each parcel has one line).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.fulfillment.models import PackScan, Shipment, ShipmentLine
from zhanggui.orders.models import Order, Payment
from zhanggui.service.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None


def paid_order(sku, paid: str, *, quantity: int = 1, channel: str = "own") -> Order:
    order = factories.make_order(sku=sku, quantity=quantity, status="paid")
    Order.objects.filter(pk=order.pk).update(placed_at=at(paid), paid_at=at(paid), channel=channel)
    Payment.objects.filter(order=order).update(created_at=at(paid))
    order.refresh_from_db()
    return order


def packed_parcel(order: Order, wh, packer, *, hours: int, wrong_scan: bool = False) -> Shipment:
    collected = order.paid_at + timedelta(hours=hours)
    shipment = Shipment.objects.create(
        order=order, warehouse=wh, carrier="sf", status="shipped", packed_by=packer,
        packed_at=collected - timedelta(hours=1), shipped_at=collected, collected_at=collected)
    line = order.lines.get()
    ShipmentLine.objects.create(shipment=shipment, order_line=line, sku=line.sku,
                                quantity=line.quantity, packed_quantity=line.quantity)
    if wrong_scan:
        PackScan.objects.create(shipment=shipment, code="WRONG", accepted=False,
                                refusal="wrong_item", scanned_by=packer,
                                scanned_at=collected - timedelta(hours=1))
    return shipment


def ticket(number: str, agent, opened: str, minutes: int, rating: int | None = None) -> Ticket:
    replied = at(opened) + timedelta(minutes=minutes)
    return Ticket.objects.create(
        number=number, channel="chat", kind="inquiry", subject=f"工单 {number}", assignee=agent,
        status="open", opened_at=at(opened), first_responded_at=replied, rating=rating,
        rated_at=replied + timedelta(hours=1) if rating else None)


def build_team(*, build: bool = True, month: date = date(2026, 11, 1)) -> dict:
    """The team of the module docstring, in ``month`` (November 2026 unless told)."""
    m = f"{month:%Y-%m}"
    operator = factories.make_staff("operator", "op1")
    agent, other = factories.make_staff("service", "agent1"), factories.make_staff("service", "agent9")
    packer = factories.make_staff("warehouse", "packer1")
    designer = factories.make_staff("designer", "designer1")
    clothes = factories.make_category("服饰")
    coats = factories.make_category("外套", parent=clothes)
    sku_a = factories.make_sku(factories.make_product(category=coats, listed=False), price="100.00")
    sku_b = factories.make_listed_sku(price="50.00")
    wh = factories.make_warehouse()
    factories.stock_up(sku_a, wh, 50)
    factories.stock_up(sku_b, wh, 50)
    from zhanggui.catalog import actions as catalog_actions

    catalog_actions.set_listing_status(sku_a.product, status="listed", reason="new", actor=None)
    o1 = paid_order(sku_a, f"{m}-02 10:00", quantity=2)
    o2 = paid_order(sku_a, f"{m}-03 10:00", channel="taobao")
    o3 = paid_order(sku_b, f"{m}-04 10:00")
    packed_parcel(o1, wh, packer, hours=10)
    packed_parcel(o2, wh, packer, hours=60, wrong_scan=True)
    packed_parcel(o3, wh, packer, hours=20)
    ticket("T1", agent, f"{m}-02 10:00", 2, rating=5)
    ticket("T2", agent, f"{m}-03 10:00", 10, rating=3)
    ticket("T3", agent, f"{m}-04 10:00", 4)
    ticket("T4", other, f"{m}-05 10:00", 60, rating=1)
    if build:
        warehouse.rebuild()
    return {"operator": operator, "agent": agent, "other_agent": other, "packer": packer,
            "designer": designer, "clothes": clothes, "coats": coats, "sku_a": sku_a,
            "sku_b": sku_b, "orders": (o1, o2, o3), "warehouse": wh}
