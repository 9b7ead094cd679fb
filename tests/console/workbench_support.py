"""A store with rows for every workbench to-do, and reading the to-dos off the page."""

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from tests import factories
from tests.listing.support import clean_product
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.fulfillment import allocation, waves
from zhanggui.fulfillment.tasks_kinds import DELIVERY_FAILED, PARCEL_NOT_COLLECTED, TRACKING_STALLED
from zhanggui.listing import actions as listing_actions
from zhanggui.orders import review, review_config
from zhanggui.orders.models import Order
from zhanggui.orders.tasks_kinds import PAYMENT_CALLBACK_FAILED
from zhanggui.tasks import actions as task_actions

# What the store below holds for each to-do (rows the to-do's list must show).
EXPECTED = {"orders_to_review": 3, "orders_to_ship": 4, "aftersales_waiting": 3,
            "aftersales_due_soon": 1, "aftersales_overdue": 1, "returns_to_receive": 1,
            "refunds_to_issue": 2, "low_stock": 1, "listings_blocked": 1,
            "waves_to_pick": 1, "parcels_to_pick": 1, "parcels_picking": 3, "held_orders": 1,
            "payment_callbacks_failed": 1, "parcels_not_collected": 1,
            "parcels_tracking_stalled": 1, "parcels_delivery_failed": 1}

# The to-dos each role sees (its permissions), in the role's order, what is past a deadline
# first whatever the role.
ROLE_TODOS = {
    "owner": ["aftersales_overdue", "held_orders", "payment_callbacks_failed",
              "parcels_delivery_failed", "parcels_not_collected", "parcels_tracking_stalled",
              "orders_to_review", "orders_to_ship", "waves_to_pick", "parcels_to_pick",
              "parcels_picking",
              "aftersales_due_soon", "aftersales_waiting", "refunds_to_issue",
              "returns_to_receive", "low_stock", "listings_blocked"],
    "service": ["aftersales_overdue", "held_orders", "orders_to_review", "aftersales_due_soon",
                "aftersales_waiting", "parcels_delivery_failed", "parcels_tracking_stalled"],
    "warehouse": ["waves_to_pick", "parcels_to_pick", "parcels_picking", "parcels_not_collected",
                  "orders_to_ship", "low_stock", "returns_to_receive"],
    "finance": ["refunds_to_issue", "payment_callbacks_failed"],
    "operator": ["listings_blocked"],
    "designer": ["listings_blocked"],
    "analyst": [],
}


def _request(order, kind: str, hours_ago: float | None = None) -> AftersalesRequest:
    line = order.lines.order_by("pk").first()
    request = aftersales_actions.request_aftersales(
        order, kind=kind, reason_code="quality", actor=None,
        lines=None if kind == "refund_only" else {line.pk: 1},
        requested_amount=line.unit_price_amount)
    if hours_ago is not None:
        AftersalesRequest.objects.filter(pk=request.pk).update(
            requested_at=timezone.now() - timedelta(hours=hours_ago))
    return request


def build_todo_store() -> dict:
    """Rows for every to-do, and rows next to them that no to-do counts."""
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    warehouse = factories.make_warehouse()
    factories.stock_up(sku, warehouse, 500)  # plenty: not low
    short = factories.make_listed_sku(price="30.00", cost="10.00")
    factories.stock_up(short, warehouse, 3)  # below the default threshold of 50: low
    customer = factories.make_customer()

    def order(status, **kw):
        return factories.make_order(sku=sku, customer=customer, status=status, **kw)

    order("pending_payment")
    paid = [order("paid") for _n in range(3)]  # to review
    order("reviewed")  # to ship
    order("shipped")
    delivered = [order("delivered", quantity=2) for _n in range(4)]
    order("cancelled")

    _request(delivered[0], "return")  # waiting, just opened
    _request(delivered[1], "return", hours_ago=40)  # decision due in 8 hours
    _request(delivered[2], "exchange", hours_ago=60)  # past the 48-hour deadline
    approved = _request(delivered[3], "return")
    aftersales_actions.approve_request(approved, actor=None)  # goods to receive
    factories.make_received_return(delivered[3])  # received: refund to issue
    refund_only = _request(paid[0], "refund_only")
    aftersales_actions.approve_request(refund_only, actor=None)  # refund to issue
    rejected = _request(paid[1], "refund_only", hours_ago=100)
    aftersales_actions.reject_request(rejected, note="no", actor=None)  # done, not counted
    # A refunded return: closed, counted nowhere.
    refunded = factories.make_received_return(order("delivered"))
    aftersales_actions.issue_refund(refunded.order, amount=Decimal("100.00"), reason="return",
                                    request=refunded, actor=None)

    # Parcels: the reviewed orders' (three) go into a pick wave, one more waits for the next.
    for _n in range(2):
        order("reviewed")
    allocation.allocate_orders(actor=None)
    waves.build_waves(actor=None)
    allocation.allocate_orders([order("reviewed")], actor=None)
    # Abnormal orders and parcels, as the apps open them: one task of each kind.
    parcel = delivered[0].shipments.get()
    for kind, subject in ((PAYMENT_CALLBACK_FAILED, paid[2]),
                          (PARCEL_NOT_COLLECTED, parcel), (TRACKING_STALLED, parcel),
                          (DELIVERY_FAILED, parcel)):
        task_actions.open_task(kind, subject=subject, title=f"{kind} {subject.pk}")

    # An order held by the automatic review: above the amount a person must check.
    review_config.create_rule("amount_above", name="大额订单", params={"threshold": "1000.00"},
                              actor=None)
    held = order("paid", quantity=20)
    assert review.auto_review_order(held).held == 1 and Order.objects.get(pk=held.pk).is_held

    good = clean_product()
    bad = clean_product(title="全网第一 国家级 连衣裙", description="")
    for product in (good, bad):
        listing_actions.audit_product(product, actor=None)
    return {"sku": sku, "short": short, "paid": paid, "bad": bad}


@dataclass(frozen=True)
class ShownTodo:
    code: str
    count: int
    url: str
    severity: str


_CARD = re.compile(
    r'<a class="workbench-todo is-(?P<severity>\w+)" href="(?P<url>[^"]+)" '
    r'data-todo="(?P<code>\w+)"[^>]*>.*?<span class="workbench-todo-count">(?P<count>\d+)</span>',
    re.S)


def shown_todos(page: str) -> list[ShownTodo]:
    """The to-do cards of a workbench page, in order."""
    return [ShownTodo(m["code"], int(m["count"]), html.unescape(m["url"]), m["severity"])
            for m in _CARD.finditer(page)]


def client_for(role: str) -> Client:
    """A client logged in as a new staff member of ``role`` (``client.staff``)."""
    client = Client()
    client.staff = factories.make_staff(role)
    client.force_login(client.staff)
    return client


def list_rows(client: Client, url: str) -> int:
    """The number of rows the console list at ``url`` holds (all pages)."""
    response = client.get(url)
    assert response.status_code == 200, url  # an unknown filter would redirect to ?e=1
    return response.context["cl"].result_count
