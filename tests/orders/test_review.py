"""Automatic review end to end: payment → rules → reviewed or held (+ task), release,
recheck after a fix, manual review of a held order, cancellation, the sweep, bulk queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory import actions as inventory_actions
from zhanggui.orders import actions, review, review_config, tasks
from zhanggui.orders.errors import HoldAlreadyReleased, OrderHeld, RecipientLocked
from zhanggui.orders.models import Order, OrderHold, ReviewRule
from zhanggui.orders.review_kinds import RuleKind as K
from zhanggui.tasks.models import TaskStatus
from zhanggui.tasks.queries import tasks_for

pytestmark = pytest.mark.django_db

_phones = iter(range(10_000_000, 99_999_999))


def recipient(*, phone: str | None = None, detail: str = "西湖区文三路 100 号",
              district: str = "", province_code: str = "330000", city: str = "杭州"):
    return actions.Recipient(name="李四", phone=phone or f"139{next(_phones):08d}",
                             province_code=province_code, city=city, district=district,
                             address_detail=detail)


def place(*, sku=None, quantity: int = 1, customer=None, buyer_note: str = "", **where):
    if sku is None:
        sku = factories.make_listed_sku()
        factories.stock_up(sku, factories.make_warehouse(), 100)
    return actions.place_order(customer or factories.make_customer(),
                               lines=[actions.LineRequest(sku.pk, quantity)],
                               recipient=recipient(**where), actor=None,
                               shipping_amount=Decimal("0"), buyer_note=buyer_note)


def pay(order, capture) -> Order:
    """Pay as a buyer would: the automatic review runs once the payment commits."""
    with capture(execute=True):
        actions.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True,
                               actor=None)
    order.refresh_from_db()
    return order


def open_task(order):
    return tasks_for(order).filter(kind="order_held", status=TaskStatus.OPEN).first()


def test_default_rules_are_seeded_in_order_with_some_inactive():
    rules = list(ReviewRule.objects.order_by("position"))
    assert len(rules) == 12 and {r.kind for r in rules} == set(K.values)
    assert 0 < sum(r.is_active for r in rules) < 12


def test_an_order_passing_every_rule_is_reviewed_when_paid(django_capture_on_commit_callbacks):
    order = pay(place(), django_capture_on_commit_callbacks)
    assert order.status == "reviewed" and not order.is_held
    assert order.review_checked_at is not None and order.reviewed_at is not None
    entry = OperationLog.objects.get(object_id=str(order.pk), action="orders.review_order")
    assert entry.actor is None and entry.note == "auto review"
    assert entry.before["status"] == "paid" and entry.after["status"] == "reviewed"
    assert not tasks_for(order).exists()


def test_a_held_order_says_why_opens_a_task_and_release_reviews_it(
        django_capture_on_commit_callbacks, role_staff):
    order = pay(place(buyer_note="请周五前送到"), django_capture_on_commit_callbacks)
    assert order.status == "paid" and order.is_held
    hold = order.holds.get()
    assert hold.kind == K.BUYER_NOTE and "请周五前送到" in hold.reason
    assert hold.rule == ReviewRule.objects.get(kind=K.BUYER_NOTE)
    task = open_task(order)
    assert task is not None and task.role == "service" and "请周五前送到" in task.detail

    service = role_staff("service")
    with pytest.raises(OrderHeld):
        actions.review_order(order, actor=service)
    review.release_hold(hold, actor=service, note="已电话确认")
    order.refresh_from_db()
    hold.refresh_from_db()
    assert order.status == "reviewed" and not order.is_held
    assert hold.released_by == service and hold.release_note == "已电话确认"
    assert open_task(order) is None
    assert tasks_for(order).get().resolution == "released"
    with pytest.raises(HoldAlreadyReleased):
        review.release_hold(hold, actor=service)


def test_the_order_is_reviewed_only_when_its_last_hold_is_released(
        django_capture_on_commit_callbacks, role_staff):
    order = pay(place(buyer_note="加急", detail="文三路丰巢自提柜"), django_capture_on_commit_callbacks)
    holds = list(order.holds.order_by("id"))
    assert {h.kind for h in holds} == {K.BUYER_NOTE, K.ADDRESS_SUSPICIOUS, K.ADDRESS_INCOMPLETE}
    service = role_staff("service")
    review.release_hold(holds[0], actor=service)
    review.release_hold(holds[1], actor=service)
    order.refresh_from_db()
    assert order.status == "paid" and order.is_held and open_task(order) is not None
    review.release_hold(holds[2], actor=service)
    order.refresh_from_db()
    assert order.status == "reviewed" and not order.is_held


def test_fixing_the_address_then_recheck_reviews_and_closes_the_task(
        django_capture_on_commit_callbacks, role_staff):
    order = pay(place(detail="人民路邮政信箱 88 号", district="西湖区"),
                django_capture_on_commit_callbacks)
    assert [h.kind for h in order.holds.all()] == [K.ADDRESS_SUSPICIOUS]
    service = role_staff("service")
    assert review.recheck_order(order, actor=service) == review.ReviewSummary(0, 1)
    assert order.holds.count() == 1  # re-running replaces the unreleased holds
    review.update_recipient(order, actor=service, recipient=recipient(
        phone="13912345678", detail="文三路 100 号 2 单元", district="西湖区"))
    entry = OperationLog.objects.get(object_id=str(order.pk), action="orders.update_recipient")
    assert "邮政信箱" not in str(entry.before) and "13912345678" not in str(entry.after)
    assert review.recheck_order(order, actor=service) == review.ReviewSummary(1, 0)
    order.refresh_from_db()
    assert order.status == "reviewed" and not order.holds.exists()
    assert open_task(order) is None


def test_owner_overrides_holds_and_the_override_is_logged(django_capture_on_commit_callbacks,
                                                          owner):
    order = pay(place(buyer_note="发顺丰"), django_capture_on_commit_callbacks)
    actions.review_order(order, actor=owner, note="老客户")
    order.refresh_from_db()
    assert order.status == "reviewed" and not order.is_held
    assert order.holds.get().released_by == owner
    assert tasks_for(order).get().resolution == "overridden"
    assert OperationLog.objects.filter(object_id=str(order.pk), action="orders.release_hold",
                                       actor=owner).exists()


def test_cancelling_a_held_order_releases_its_holds_and_closes_the_task(
        django_capture_on_commit_callbacks, owner):
    order = pay(place(buyer_note="不要了"), django_capture_on_commit_callbacks)
    actions.apply_refund(order, amount=order.total_amount, actor=owner)
    actions.cancel_order(order, reason="买家取消", actor=owner)
    order.refresh_from_db()
    assert order.status == "cancelled" and not order.is_held
    assert not order.holds.filter(released_at=None).exists()
    assert tasks_for(order).get().resolution == "cancelled"


def test_blocked_buyers_are_held_by_customer_or_by_phone(django_capture_on_commit_callbacks):
    customer = factories.make_customer()
    review_config.block_buyer(customer=customer, reason="恶意退款", actor=None)
    review_config.block_buyer(phone="+86 139 0000 1111", reason="刷单", actor=None)
    by_customer = pay(place(customer=customer), django_capture_on_commit_callbacks)
    by_phone = pay(place(phone="13900001111"), django_capture_on_commit_callbacks)
    assert "恶意退款" in by_customer.holds.get(kind=K.BLOCKED_BUYER).reason
    assert "刷单" in by_phone.holds.get(kind=K.BLOCKED_BUYER).reason


def test_more_than_three_orders_to_one_address_in_a_day_are_held(django_capture_on_commit_callbacks):
    orders = [pay(place(detail="滨江区江南大道 1 号 "), django_capture_on_commit_callbacks)
              for _ in range(4)]
    assert [o.status for o in orders] == ["reviewed"] * 3 + ["paid"]
    assert "4" in orders[3].holds.get(kind=K.REPEAT_ADDRESS).reason


def test_an_order_without_reservation_is_held_when_no_warehouse_has_its_units(
        django_capture_on_commit_callbacks):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 2)
    imported = place(sku=sku, quantity=2)
    inventory_actions.release_reservations(actions.reservation_reference(imported), actor=None)
    place(sku=sku, quantity=2)  # takes the two units
    imported = pay(imported, django_capture_on_commit_callbacks)
    assert "2" in imported.holds.get(kind=K.STOCK_SHORT).reason


def test_price_anomaly_holds_a_line_paid_below_half_its_list_price(django_capture_on_commit_callbacks):
    sku = factories.make_listed_sku(price="100.00", cost="10.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    order = place(sku=sku)
    sku.price_amount = Decimal("300.00")  # the usual price rose after the order was placed
    sku.save()
    order = pay(order, django_capture_on_commit_callbacks)
    assert "¥300.00" in order.holds.get(kind=K.PRICE_ANOMALY).reason


def test_rule_changes_take_effect_and_inactive_rules_never_hold(django_capture_on_commit_callbacks):
    rule = ReviewRule.objects.get(kind=K.AMOUNT_ABOVE)
    review_config.update_rule(rule, actor=None, params={"threshold": "50"})
    held = pay(place(), django_capture_on_commit_callbacks)
    assert "¥50.00" in held.holds.get().reason
    review_config.update_rule(rule, actor=None, is_active=False)
    assert review.recheck_order(held, actor=None) == review.ReviewSummary(1, 0)


def test_the_sweep_reviews_paid_orders_never_evaluated():
    unchecked = [factories.make_order(status="paid") for _ in range(2)]  # no commit: no review
    assert all(o.review_checked_at is None for o in unchecked)
    result = tasks.review_unchecked_orders()
    assert result["reviewed"] + result["held"] == 2
    assert not Order.objects.filter(pk__in=[o.pk for o in unchecked], review_checked_at=None).exists()
    assert tasks.review_unchecked_orders() == {"reviewed": 0, "held": 0}


def test_orders_not_paid_are_skipped_and_recheck_refuses_them():
    order = factories.make_order(status="pending_payment")
    assert review.auto_review_orders([order.pk]) == review.ReviewSummary(0, 0)
    from zhanggui.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        review.recheck_order(order, actor=None)


def test_an_unknown_province_is_refused():
    from zhanggui.orders.errors import UnknownProvince

    order = factories.make_order(status="paid")
    with pytest.raises(UnknownProvince):
        review.update_recipient(order, recipient=recipient(province_code="999999"), actor=None)
    order.refresh_from_db()
    assert order.province_code == "330000"


def test_the_recipient_of_a_shipped_order_cannot_change():
    order = factories.make_order(status="shipped")
    with pytest.raises(RecipientLocked):
        review.update_recipient(order, recipient=recipient(), actor=None)


def test_seller_note_is_set_and_then_holds_on_recheck(role_staff):
    order = factories.make_order(status="paid")
    review.update_seller_note(order, note="换蓝色", actor=role_staff("service"))
    assert review.auto_review_order(order) == review.ReviewSummary(0, 1)
    assert "换蓝色" in OrderHold.objects.get(order=order).reason


def _paid_orders(count: int, *, held_every: int) -> list[int]:
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 10 * count)
    ids = []
    for index in range(count):
        order = place(sku=sku, buyer_note="留言" if held_every and index % held_every == 0 else "",
                      detail=f"西湖区文三路 {index} 号")
        actions.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True,
                               actor=None)
        ids.append(order.pk)
    return ids


def _queries(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as captured:
        review.auto_review_orders(ids)
    return len(captured)


# Loading rules, locking, the facts (lines, reservations, stock, block list, repeat counts by
# address and phone) and the writes: a fixed number of queries for any batch.
BULK_QUERIES = 14
# Opening one order_held task (tasks.actions.open_task: existing task, route, least-loaded
# staff, savepoints, insert, log): done per held order, outside the per-order loop.
QUERIES_PER_TASK = 10


def test_the_bulk_path_needs_the_same_few_queries_for_5_or_60_orders(django_assert_max_num_queries):
    small, large = _paid_orders(5, held_every=0), _paid_orders(60, held_every=0)
    assert _queries(small) == _queries(large) <= BULK_QUERIES
    assert Order.objects.filter(pk__in=small + large, status="reviewed").count() == 65


def test_held_orders_add_only_their_task_queries(django_assert_max_num_queries):
    ids = _paid_orders(40, held_every=5)
    with django_assert_max_num_queries(BULK_QUERIES + 8 * QUERIES_PER_TASK):
        summary = review.auto_review_orders(ids)
    assert summary == review.ReviewSummary(32, 8)


def test_default_rules_are_written_again_into_an_emptied_table():
    from zhanggui.orders.review_params import DEFAULT_RULES

    seeded = [(r.kind, r.name, r.is_active, r.params) for r in ReviewRule.objects.order_by("position")]
    assert seeded == [(k, n, a, review_config.review_rules.validate_params(k, p))
                      for k, n, a, p in DEFAULT_RULES]
    assert review_config.seed_default_rules() == 0
    OrderHold.objects.all().delete()
    ReviewRule.objects.all().delete()
    assert review_config.seed_default_rules() == len(DEFAULT_RULES)
    assert [(r.kind, r.is_active) for r in ReviewRule.objects.order_by("position")] == [
        (k, a) for k, _n, a, _p in DEFAULT_RULES]


def test_automatic_review_on_payment_can_be_switched_off(django_capture_on_commit_callbacks,
                                                          settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "AUTO_REVIEW_ON_PAYMENT": False}
    order = pay(place(), django_capture_on_commit_callbacks)
    assert order.status == "paid" and order.review_checked_at is None  # the sweep's, later
