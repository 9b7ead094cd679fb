"""Automatic review writes (自动审单): evaluate paid orders against the shop's rules in
bulk, hold or review them, release holds, re-check, and fix an order's recipient or note.

Evaluation reads the facts of a batch in a handful of queries (``review_queries``) and
writes in bulk: every order of a batch is locked, then reviewed (status ``paid`` →
``reviewed``, the transition ``actions.review_order`` makes, logged the same way with the
note "auto review") or held (an ``OrderHold`` per failing rule, ``Order.is_held``), in one
transaction per batch. A held order opens an ``order_held`` task; reviewing or releasing it
closes the task.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.core.errors import InvalidTransition
from zhanggui.core.regions import get_province
from zhanggui.customers import rules as customer_rules
from zhanggui.orders import actions, review_queries, review_rules, rules
from zhanggui.orders import events as order_events
from zhanggui.orders.errors import HoldAlreadyReleased, RecipientLocked, UnknownProvince
from zhanggui.orders.models import Order, OrderHold, OrderStatus
from zhanggui.orders.review_rules import Hold, RuleSpec
from zhanggui.orders.tasks_kinds import close_order_tasks, open_order_tasks

BATCH_SIZE = 500
AUTO_NOTE = "auto review"
LOG_FIELDS = ("status", "paid_amount", "refunded_amount")
ORDER_TYPE = Order._meta.label_lower


@dataclass(frozen=True)
class ReviewSummary:
    reviewed: int
    held: int


def auto_review_orders(order_ids: Iterable[int], *, actor: Staff | None = None) -> ReviewSummary:
    """Evaluate the paid orders among ``order_ids`` against the active rules.

    An order passing every rule is reviewed; any other gets one hold per failing rule
    (its earlier unreleased holds are replaced) and an open ``order_held`` task. Orders not
    paid (any more) are skipped. Batches of ``BATCH_SIZE`` orders commit on their own, each
    whole or not at all. Returns how many were reviewed and how many held.
    """
    rule_specs = review_queries.active_rules()
    ids = sorted(set(order_ids))
    reviewed = held = 0
    for start in range(0, len(ids), BATCH_SIZE):
        done = _review_batch(ids[start:start + BATCH_SIZE], rule_specs, actor)
        reviewed += done.reviewed
        held += done.held
    return ReviewSummary(reviewed, held)


@transaction.atomic
def _review_batch(ids: list[int], rule_specs: list[RuleSpec], actor: Staff | None) -> ReviewSummary:
    orders = list(Order.objects.select_for_update().filter(pk__in=ids, status=OrderStatus.PAID)
                  .only(*review_queries.FACT_FIELDS, *order_events.EVENT_FIELDS, "refunded_amount")
                  .order_by("pk"))
    if not orders:
        return ReviewSummary(0, 0)
    facts = review_queries.load_facts(orders, rule_specs)
    results = {order.pk: review_rules.evaluate(facts[order.pk], rule_specs) for order in orders}
    now = timezone.now()
    OrderHold.objects.filter(order_id__in=[o.pk for o in orders], released_at=None).delete()
    passing = [o for o in orders if not results[o.pk]]
    failing = [o for o in orders if results[o.pk]]
    entries = []
    if passing:
        assert rules.can_transition(OrderStatus.PAID, OrderStatus.REVIEWED)
        Order.objects.filter(pk__in=[o.pk for o in passing]).update(
            status=OrderStatus.REVIEWED, reviewed_at=now, review_checked_at=now, is_held=False,
            updated_at=now)
        for order in passing:
            before = snapshot(order, LOG_FIELDS)
            entries.append(_entry(order, "orders.review_order", actor, now, before=before,
                                  after={**before, "status": OrderStatus.REVIEWED}, note=AUTO_NOTE))
    if failing:
        OrderHold.objects.bulk_create([
            OrderHold(order_id=o.pk, rule_id=h.rule_id, kind=h.kind, reason=h.reason, created_at=now)
            for o in failing for h in results[o.pk]])
        Order.objects.filter(pk__in=[o.pk for o in failing]).update(
            is_held=True, review_checked_at=now, updated_at=now)
        entries.extend(_entry(o, "orders.hold_order", actor, now, note=AUTO_NOTE,
                              after={"holds": _hold_log(results[o.pk], rule_specs)})
                       for o in failing)
    OperationLog.objects.bulk_create(entries)
    order_events.reviewed_and_held(
        passing, [(o, [h.kind for h in results[o.pk]]) for o in failing], now)
    # Tasks after the hot loop: opened per held order (few), closed for orders held before.
    open_order_tasks([(o, results[o.pk]) for o in failing], actor=actor)
    close_order_tasks([o for o in passing if o.is_held], resolution="released", actor=actor)
    return ReviewSummary(len(passing), len(failing))


def _entry(order: Order, action: str, actor: Staff | None, at, *, before=None, after=None,
           note: str = "") -> OperationLog:
    """The operation-log row ``log_operation`` would write, for a bulk insert."""
    return OperationLog(actor=actor, action=action, object_type=ORDER_TYPE, object_id=str(order.pk),
                        object_repr=order.number[:200], before=before, after=after,
                        note=note[:255], created_at=at)


def _hold_log(holds: list[Hold], rule_specs: list[RuleSpec]) -> list[dict]:
    names = {rule.id: rule.name for rule in rule_specs}
    return [{"rule": names.get(h.rule_id, h.kind), "kind": h.kind, "reason": h.reason}
            for h in holds]


def auto_review_order(order: Order, *, actor: Staff | None = None) -> ReviewSummary:
    return auto_review_orders([order.pk], actor=actor)


def recheck_order(order: Order, *, actor: Staff | None) -> ReviewSummary:
    """Evaluate a paid order again (after its address or note was fixed, or a rule changed).

    Raises:
        InvalidTransition: the order is not paid (already reviewed, shipped, cancelled…).
    """
    current = Order.objects.only("status").get(pk=order.pk).status
    if current != OrderStatus.PAID:
        raise InvalidTransition(current=OrderStatus(current).label, target=OrderStatus.REVIEWED.label)
    return auto_review_orders([order.pk], actor=actor)


@transaction.atomic
def release_hold(hold: OrderHold, *, actor: Staff | None, note: str = "") -> OrderHold:
    """Release one hold. When it was the order's last, the order is no longer held and a
    paid order is reviewed (by ``actor``), closing its ``order_held`` task.

    Raises:
        HoldAlreadyReleased: the hold was released already.
    """
    order = Order.objects.select_for_update().get(pk=hold.order_id)
    hold = OrderHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise HoldAlreadyReleased()
    hold.released_at, hold.released_by, hold.release_note = timezone.now(), actor, note[:255]
    hold.save(update_fields=["released_at", "released_by", "release_note", "updated_at"])
    log_operation(order, action="orders.release_hold", actor=actor, note=note,
                  after={"hold": hold.pk, "kind": hold.kind, "reason": hold.reason})
    if not order.holds.filter(released_at=None).exists():
        order.is_held = False
        order.save(update_fields=["is_held", "updated_at"])
        if order.status == OrderStatus.PAID:
            actions.review_order(order, actor=actor, note=note or _t("holds released"))
        close_order_tasks([order], resolution="released", actor=actor, note=note)
    return hold


@transaction.atomic
def release_order_holds(order: Order, *, actor: Staff | None, note: str = "") -> int:
    """Release every open hold of ``order`` at once (then it is reviewed, as when its last
    hold is released). Returns how many were released.

    Raises:
        HoldAlreadyReleased: the order has no open hold.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    holds = list(order.holds.filter(released_at=None).order_by("id"))
    if not holds:
        raise HoldAlreadyReleased()
    for hold in holds:
        release_hold(hold, actor=actor, note=note)
    return len(holds)


def release_all_holds(order: Order, *, actor: Staff | None, note: str, resolution: str) -> int:
    """Release every open hold of a locked order (its cancellation, an owner's override);
    called inside the caller's transaction. Returns how many were released."""
    released = OrderHold.objects.filter(order=order, released_at=None).update(
        released_at=timezone.now(), released_by=actor, release_note=note[:255],
        updated_at=timezone.now())
    was_held = order.is_held
    if was_held:
        order.is_held = False
        Order.objects.filter(pk=order.pk).update(is_held=False, updated_at=timezone.now())
    if released:
        log_operation(order, action="orders.release_hold", actor=actor, note=note,
                      after={"released": released, "resolution": resolution})
    if released or was_held:
        close_order_tasks([order], resolution=resolution, actor=actor, note=note)
    return released


RECIPIENT_FIELDS = ("recipient_name", "recipient_phone", "province_code", "city", "district",
                    "address_detail")


def _masked(order: Order) -> dict[str, str]:
    return {"recipient_name": customer_rules.mask_name(order.recipient_name),
            "recipient_phone": customer_rules.mask_phone(order.recipient_phone),
            "province_code": order.province_code, "city": order.city, "district": order.district,
            "address_detail": customer_rules.mask_address(order.address_detail)}


@transaction.atomic
def update_recipient(order: Order, *, recipient: actions.Recipient, actor: Staff | None) -> Order:
    """Fix the recipient (name, phone, address) of a paid or reviewed order not yet shipped;
    the log keeps the masked values before and after. A held order stays held until it is
    re-checked or its holds are released.

    Raises:
        UnknownProvince: the province code is not one of ``core.regions``.
        RecipientLocked: the order is unpaid, shipped or closed.
    """
    if get_province(recipient.province_code) is None:
        raise UnknownProvince(code=recipient.province_code)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in (OrderStatus.PAID, OrderStatus.REVIEWED):
        raise RecipientLocked(status=OrderStatus(order.status).label)
    before = _masked(order)
    order.recipient_name, order.recipient_phone = recipient.name, recipient.phone
    order.province_code, order.city = recipient.province_code, recipient.city
    order.district, order.address_detail = recipient.district, recipient.address_detail
    order.save(update_fields=[*RECIPIENT_FIELDS, "updated_at"])
    log_operation(order, action="orders.update_recipient", actor=actor, before=before,
                  after=_masked(order))
    return order


@transaction.atomic
def update_seller_note(order: Order, *, note: str, actor: Staff | None) -> Order:
    """Set the seller note (卖家备注) of an order that is not closed or cancelled.

    Raises:
        InvalidTransition: the order is closed or cancelled.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        raise InvalidTransition(current=OrderStatus(order.status).label,
                                target=OrderStatus(order.status).label)
    before = snapshot(order, ("seller_note",))
    order.seller_note = note[:255]
    order.save(update_fields=["seller_note", "updated_at"])
    log_operation(order, action="orders.update_seller_note", actor=actor, before=before,
                  after=snapshot(order, ("seller_note",)))
    return order


__all__ = ["ReviewSummary", "auto_review_order", "auto_review_orders", "recheck_order",
           "release_all_holds", "release_hold", "release_order_holds", "update_recipient",
           "update_seller_note"]
