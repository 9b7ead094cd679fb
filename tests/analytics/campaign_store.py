"""Hand-made campaigns whose every number is worked out by hand in ``test_campaign_*``.

Shop time (Asia/Shanghai); the contact policy's default attribution window, 7 days. Every
order is one unit of a SKU at ¥100.00 whose cost is ¥40.00.

C1 win-back, starts 11-01, fixed cost ¥30.00, a ¥10-off coupon, sent 11-02 10:00, split:
- r1 customer 1, arm "treat": SMS sent 11-02 10:00 (¥0.05).
- r2 customer 2, arm "treat": SMS sent 11-02 10:00 (¥0.05); an e-mail still queued.
- r3 customer 3, arm "holdout": held out, never messaged.
- r4 customer 4, arm "treat": skipped.
C2 retention, starts 11-03, fixed cost ¥20.00, no offer, sent 11-04 10:00 (no arms):
- r5 customer 1: e-mail 11-04 10:00 (¥0); r6 customer 5: e-mail 11-04 10:00 (¥0).
C3 a draft starting 11-05: never counts.

Orders:
- O1 customer 1 paid 11-03 12:00 with C1's coupon (¥90.00 paid): C1 "treat", discount ¥10,
  gross profit 90 − 40 = 50.
- O2 customer 1 paid 11-05 12:00: touched by C1 (11-02) and C2 (11-04): C2, the last touch.
- O3 customer 2 paid 11-09 10:00: exactly 7 days after C1's message: outside the window.
- O8 customer 2 paid 11-09 09:59: inside it: C1 "treat", gross profit 60.
- O4 customer 2 placed 11-03, never paid; O5 customer 5 paid 11-06 then cancelled: never.
- O6 customer 3 (holdout) paid 11-04 12:00: never attributed; its A/B outcome is a purchase.
- O7 customer 5 paid 11-07 10:00, ¥30.00 refunded: C2, gross profit 100 − 30 − 40 = 30.

→ C1 "treat": recipients 3, reached 2, converted 2, orders 2, GMV 190, gross profit 110,
  discounts 10, messages 0.10, fixed 30 (all reached are in "treat"), cost 40.10;
  "holdout": 1 recipient, nothing else. C1: ROI 190 / 40.10 = 4.74, GP ROI 110 / 40.10 = 2.74.
→ C2: recipients 2, reached 2, converted 2, orders 2, GMV 200, gross profit 90, cost 20.00:
  ROI 10.00, GP ROI 4.50.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import override_settings

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.customers.models import Segment
from zhanggui.marketing.models_campaigns import Campaign, Message, Recipient
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, Payment
from zhanggui.pricing import actions as pricing_actions

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None


def order(sku, customer, *, paid: str | None, placed: str | None = None, coupon: str = "",
          status: str = "", refunded: str = "0.00") -> Order:
    placed_order = order_actions.place_order(
        customer, lines=[order_actions.LineRequest(sku.pk, 1)], recipient=factories.recipient(),
        actor=None, shipping_amount=Decimal("0.00"), coupon_codes=[coupon] if coupon else ())
    if paid:
        with override_settings(ZHANGGUI={**settings.ZHANGGUI, "AUTO_REVIEW_ON_PAYMENT": False}):
            order_actions.record_payment(placed_order, method="alipay",
                                         amount=placed_order.total_amount, succeeded=True, actor=None)
        Payment.objects.filter(order=placed_order).update(created_at=at(paid))
    changes = {"placed_at": at(placed or paid), "paid_at": at(paid),
               "refunded_amount": Decimal(refunded)}
    if status:
        changes["status"] = status
    Order.objects.filter(pk=placed_order.pk).update(**changes)
    placed_order.refresh_from_db()
    return placed_order


def campaign(code: str, segment: Segment, *, starts: str, sent: str | None, fixed: str,
             template=None, status: str = "sent", goal: str = "win_back") -> Campaign:
    return Campaign.objects.create(
        code=code, name=f"活动 {code}", goal=goal, status=status, starts_at=at(starts),
        ends_at=at("2026-11-20 00:00"), budget_amount=Decimal("100.00"),
        fixed_cost_amount=Decimal(fixed), segment=segment, coupon_template=template,
        channels=["sms", "email"], body="{nickname}", sent_at=at(sent))


def recipient(campaign_: Campaign, customer, *, arm: str = "", status: str, reached: str | None = None,
              coupon=None, messages: tuple = ()) -> Recipient:
    """``messages``: (channel, status, sent, cost) of each message to the recipient."""
    row = Recipient.objects.create(campaign=campaign_, customer=customer, arm=arm, status=status,
                                   reached_at=at(reached), coupon=coupon)
    for channel, message_status, sent, cost in messages:
        Message.objects.create(
            idempotency_key=f"{campaign_.pk}:{customer.pk}:{channel}", campaign=campaign_,
            recipient=row, customer=customer, channel=channel, body="…", status=message_status,
            send_after=at(sent or "2026-11-02 10:00"), sent_at=at(sent), cost_amount=Decimal(cost))
    return row


def build_campaigns() -> dict:
    """Write the campaigns of the module docstring and build the warehouse."""
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    customers = [factories.make_customer() for _ in range(5)]
    c1_, c2_, c3_, c4_, c5_ = customers
    segment = Segment.objects.create(code="dormant-test", name="沉睡客户", kind="model")
    template = pricing_actions.create_coupon_template("回归券", kind="fixed", actor=None,
                                                      discount_amount=Decimal("10.00"))
    coupon = pricing_actions.issue_coupons(template, customers=[c1_], actor=None)[0]
    c1 = campaign("C1", segment, starts="2026-11-01 00:00", sent="2026-11-02 10:00", fixed="30.00",
                  template=template)
    c2 = campaign("C2", segment, starts="2026-11-03 00:00", sent="2026-11-04 10:00", fixed="20.00",
                  goal="retention")
    c3 = campaign("C3", segment, starts="2026-11-05 00:00", sent=None, fixed="5.00", status="draft")
    sms = ("sms", "sent", "2026-11-02 10:00", "0.05")
    rows = {
        "r1": recipient(c1, c1_, arm="treat", status="sent", reached="2026-11-02 10:00",
                        coupon=coupon, messages=(sms,)),
        "r2": recipient(c1, c2_, arm="treat", status="sent", reached="2026-11-02 10:00",
                        messages=(sms, ("email", "queued", None, "0.00"))),
        "r3": recipient(c1, c3_, arm="holdout", status="held_out"),
        "r4": recipient(c1, c4_, arm="treat", status="skipped"),
        "r5": recipient(c2, c1_, status="sent", reached="2026-11-04 10:00",
                        messages=(("email", "sent", "2026-11-04 10:00", "0.00"),)),
        "r6": recipient(c2, c5_, status="sent", reached="2026-11-04 10:00",
                        messages=(("email", "sent", "2026-11-04 10:00", "0.00"),)),
    }
    orders = {
        "o1": order(sku, c1_, paid="2026-11-03 12:00", coupon=coupon.code),
        "o2": order(sku, c1_, paid="2026-11-05 12:00"),
        "o3": order(sku, c2_, paid="2026-11-09 10:00"),
        "o8": order(sku, c2_, paid="2026-11-09 09:59"),
        "o4": order(sku, c2_, paid=None, placed="2026-11-03 12:00"),
        "o5": order(sku, c5_, paid="2026-11-06 12:00", status="cancelled"),
        "o6": order(sku, c3_, paid="2026-11-04 12:00"),
        "o7": order(sku, c5_, paid="2026-11-07 10:00", refunded="30.00"),
    }
    warehouse.rebuild()
    return {"c1": c1, "c2": c2, "c3": c3, "customers": customers, "template": template, **rows,
            **orders}
