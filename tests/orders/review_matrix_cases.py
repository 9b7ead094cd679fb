"""Permission-matrix cases of the review and payment-callback API (rows in
``tests/api/matrix.py``, which imports this module, hence ``Case`` is looked up late)."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.orders import callbacks, review, review_config
from zhanggui.orders.models import BlockedBuyer, Order, PaymentCallback, ReviewRule


def _listed(data: dict) -> None:
    assert data["count"] >= 1 and len(data["items"]) >= 1, data


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _held_order() -> Order:
    order = factories.make_order(status="paid")
    review.update_seller_note(order, note="改地址", actor=None)
    review.auto_review_order(order)
    return _fresh(order)


def list_rules():
    return Case(check=lambda data, staff: [r["position"] for r in data] == sorted(
        r["position"] for r in data) and len(data) == ReviewRule.objects.count())


def update_rule():
    rule = ReviewRule.objects.get(kind="amount_above")

    def check(data, staff):
        fresh = _fresh(rule)
        assert fresh.params == {"threshold": "8000.00"} and not fresh.is_active
        assert data["params"] == {"threshold": "8000.00"}
    return Case(path={"rule_id": rule.pk}, body={"params": {"threshold": "8000"}, "is_active": False},
                target=rule, check=check)


def list_holds():
    _held_order()
    return Case(check=lambda data, staff: _listed(data) or data["items"][0]["kind"] == "seller_note")


def release_hold():
    hold = _held_order().holds.get()

    def check(data, staff):
        assert _fresh(hold).released_by_id == staff.pk
        assert _fresh(hold.order).status == "reviewed"
    return Case(path={"hold_id": hold.pk}, body={"note": "已确认"}, target=hold, check=check)


def recheck_order():
    order = factories.make_order(status="paid")  # paid, never evaluated (no commit in tests)

    def check(data, staff):
        assert data["reviewed"] == 1 and data["holds"] == []
        assert _fresh(order).status == "reviewed"
    return Case(path={"order_id": order.pk}, target=order, check=check)


def update_recipient():
    order = factories.make_order(status="paid")
    body = {"name": "王五", "phone": "13700002222", "province_code": "330000", "city": "宁波",
            "district": "鄞州区", "address_detail": "天童南路 8 号"}
    return Case(path={"order_id": order.pk}, body=body, target=order,
                check=lambda data, staff: _fresh(order).city == "宁波")


def update_seller_note():
    order = factories.make_order(status="paid")
    return Case(path={"order_id": order.pk}, body={"seller_note": "送礼盒"}, target=order,
                check=lambda data, staff: _fresh(order).seller_note == "送礼盒")


def _entry() -> BlockedBuyer:
    return review_config.block_buyer(phone="13700003333", reason="恶意退款", actor=None)


def list_blocked():
    _entry()
    return Case(check=lambda data, staff: _listed(data))


def block_buyer():
    customer = factories.make_customer()

    def check(data, staff):
        entry = BlockedBuyer.objects.get(pk=data["id"])
        assert entry.customer == customer and entry.created_by == staff
    return Case(body={"customer_id": customer.pk, "reason": "刷单"}, check=check)


def update_blocked():
    entry = _entry()
    return Case(path={"entry_id": entry.pk}, body={"reason": "多次拒收"}, target=entry,
                check=lambda data, staff: _fresh(entry).reason == "多次拒收")


def unblock_buyer():
    entry = _entry()
    return Case(path={"entry_id": entry.pk}, target=entry,
                check=lambda data, staff: not BlockedBuyer.objects.filter(pk=entry.pk).exists())


def receive_callback():
    order = factories.make_order(status="pending_payment")
    body = {"order_number": order.number, "transaction_id": f"T{order.pk}",
            "amount": str(order.total_amount), "method": "wechat", "succeeded": True}

    def check(data, staff):
        assert data["status"] == "applied" and _fresh(order).status == "paid"
    return Case(body=body, target=order, check=check)


def list_callbacks():
    callbacks.receive_payment_callback(transaction_id="T-list", order_number="NOPE",
                                       amount=Decimal("1.00"), method="alipay", succeeded=True,
                                       actor=None)
    return Case(check=lambda data, staff: _listed(data)
                and PaymentCallback.objects.filter(status="refused").exists())



def review_objects() -> dict:
    """One object of each review model for the console's page tests: a held order (with its
    hold), a block-list entry and a refused payment callback."""
    held = _held_order()
    entry = review_config.block_buyer(phone="13700008888", reason="多次拒收", actor=None)
    refused = callbacks.receive_payment_callback(
        transaction_id="T-pages", order_number="NO-SUCH", amount=Decimal("1.00"), method="alipay",
        succeeded=True, actor=None).callback
    return {"held": held, "blocked": entry, "callback": refused}
