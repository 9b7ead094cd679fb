"""Order writes: placement with stock reservation, payments, review, cancellation,
expiry of unpaid orders, completion, and the transitions fulfillment and after-sales use.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.errors import InvalidTransition
from zhanggui.core.fields import reencrypt_rows
from zhanggui.core.money import MAX_AMOUNT, ZERO, to_money
from zhanggui.customers.models import Customer
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory import rules as inventory_rules
from zhanggui.orders import events as order_events
from zhanggui.orders import flash_sale, rules
from zhanggui.orders.errors import (
    AmountTooLarge,
    EmptyOrder,
    FailureReasonRequired,
    InvalidAmount,
    InvalidPaymentAmount,
    OrderHeld,
    RefundExceedsPaid,
    RefundFirst,
    SkuNotSellable,
)
from zhanggui.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentFailureReason,
    PaymentMethod,
    PaymentStatus,
)
from zhanggui.pricing import actions as pricing_actions
from zhanggui.pricing import membership as pricing_membership
from zhanggui.pricing import queries as pricing_queries
from zhanggui.pricing.errors import OfferLimitReached

STATUS_FIELDS = ("status", "paid_amount", "refunded_amount")


@dataclass(frozen=True)
class LineRequest:
    sku_id: int
    quantity: int


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str
    province_code: str
    city: str
    address_detail: str
    district: str = ""


def reservation_reference(order: Order) -> str:
    return f"order:{order.number}"


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _transition(order: Order, target: str, *, actor: Staff | None, action: str,
                note: str = "", at: datetime | None = None) -> Order:
    """Move a locked order to ``target`` along the state machine and log it.

    Raises:
        InvalidTransition: when ``target`` is not reachable from the current status.
    """
    if not rules.can_transition(order.status, target):
        raise InvalidTransition(current=OrderStatus(order.status).label,
                                target=OrderStatus(target).label)
    before = snapshot(order, STATUS_FIELDS)
    order.status = target
    setattr(order, rules.TIMESTAMP_FIELD[target], at or timezone.now())
    order.save()
    log_operation(order, action=action, actor=actor, before=before,
                  after=snapshot(order, STATUS_FIELDS), note=note)
    order_events.status_changed(order)
    return order


def _new_order_number(now: datetime) -> str:
    return f"{timezone.localtime(now):%y%m%d%H%M}{secrets.randbelow(10**6):06d}"


def place_order(customer: Customer, *, lines: list[LineRequest], recipient: Recipient,
                actor: Staff | None, shipping_amount: Decimal | None = None,
                discount_amount: Decimal = ZERO, buyer_note: str = "",
                channel: str = "own", coupon_codes: Iterable[str] = (), points: int = 0) -> Order:
    """Create an order, priced by the pricing engine, and reserve its stock.

    Demand is summed per SKU and priced through ``pricing`` (member/channel prices,
    promotions, the best coupon of ``coupon_codes``, the shop's shipping template). Offers
    with per-customer limits and coupons are locked before pricing; budgets and flash-sale
    caps are booked at the end of the transaction by a conditional update, and when another
    order used them up meanwhile the whole placement is rolled back and done once more with
    those counters locked from the start, so budgets and caps hold under concurrency
    (``pricing.actions.price_for_order``). Stock rows are then locked in
    primary-key order and reserved with a conditional update, so concurrent buyers never
    oversell. Lines snapshot the SKU's list price and cost, their item discount and their
    share of every order-level discount; the order keeps the whole breakdown. Gifts
    (满赠) become zero-priced lines. The order starts in ``pending_payment``.

    ``shipping_amount`` overrides the template's fee (None: priced by the template, zero
    without one); ``discount_amount`` is a manual seller discount applied after coupons.
    ``points``: loyalty points the buyer pays with (积分抵扣); the engine takes what the
    balance and the points policy allow, they are spent in this transaction and recorded
    on the order (``points_redeemed``/``points_amount``, part of ``discount_amount``).

    Raises:
        EmptyOrder: no lines.
        InvalidQuantity: a quantity is not positive.
        SkuNotSellable: a SKU is inactive or its product is not listed.
        InvalidAmount: negative shipping or a discount above the goods total.
        AmountTooLarge: the goods and shipping add up to more than an amount column holds.
        CouponNotFound, CouponNotUsable: a coupon code that cannot be used.
        RegionNotShipped: the shipping template does not serve the destination.
        InsufficientStock: some SKU cannot be reserved (nothing is reserved then).
    """
    arguments = {"lines": lines, "recipient": recipient, "actor": actor,
                 "shipping_amount": shipping_amount, "discount_amount": discount_amount,
                 "buyer_note": buyer_note, "channel": channel, "coupon_codes": list(coupon_codes),
                 "points": points}
    # A live flash sale's units are reserved in Redis first (flash_sale.py; None: the
    # database path alone); confirmed on commit, given back on any failure.
    hold = flash_sale.reserve(customer, lines)
    if hold is None:
        return _place_with_retries(customer, arguments)
    try:
        order = _place_with_retries(customer, {**arguments, "flash": hold})
    except BaseException:
        flash_sale.release(hold)
        raise
    transaction.on_commit(partial(flash_sale.confirm, hold, order))
    return order


def _place_with_retries(customer: Customer, arguments: dict) -> Order:
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            try:
                return _place_order(customer, lock_budgets=False, **arguments)
            except OfferLimitReached:
                return _place_order(customer, lock_budgets=True, **arguments)
        except IntegrityError as error:
            # Drawn order numbers are random: a collision (about once in 10⁶ orders placed in
            # the same minute) rolls the placement back whole and it is placed again.
            if "number" not in str(error):
                raise
    raise RuntimeError("could not allocate a unique order number")


NUMBER_ATTEMPTS = 5


@transaction.atomic
def _place_order(customer: Customer, *, lines: list[LineRequest], recipient: Recipient,
                 actor: Staff | None, shipping_amount: Decimal | None, discount_amount: Decimal,
                 buyer_note: str, channel: str, coupon_codes: list[str], lock_budgets: bool,
                 points: int = 0, flash: flash_sale.Hold | None = None) -> Order:
    if not lines:
        raise EmptyOrder()
    discount_amount = to_money(discount_amount)
    skus = pricing_queries.load_skus(line.sku_id for line in lines)
    for line in lines:
        sku = skus.get(line.sku_id)
        if sku is None or not sku.is_active or sku.product.status != "listed":
            raise SkuNotSellable(sku=sku.code if sku else line.sku_id)
    demand = inventory_rules.sum_demand((line.sku_id, line.quantity) for line in lines)
    if shipping_amount is not None and to_money(shipping_amount) < 0:
        raise InvalidAmount()
    now = timezone.now()
    try:
        breakdown, pricing_data = pricing_actions.price_for_order(
            customer, skus, demand, channel=channel, province_code=recipient.province_code,
            coupon_codes=coupon_codes, manual_discount=discount_amount, at=now,
            lock_budgets=lock_budgets, points=points, flash_units=flash.units if flash else None)
    except ValueError:
        raise InvalidAmount() from None
    shipping = breakdown.shipping_amount if shipping_amount is None else to_money(shipping_amount)
    if breakdown.list_amount + shipping > MAX_AMOUNT:  # the total and every line are no more
        raise AmountTooLarge(limit=MAX_AMOUNT)
    order = _create_order_row(
        customer=customer, recipient=recipient, channel=channel, buyer_note=buyer_note,
        goods_amount=breakdown.list_amount, discount_amount=breakdown.discount_amount,
        shipping_amount=shipping, placed_at=now, pricing_breakdown=breakdown.as_dict(),
        points_redeemed=breakdown.points_redeemed, points_amount=breakdown.points_amount,
        flash_token=flash.token if flash else None)
    gifts = _gift_skus(breakdown, skus)
    reserve = dict(demand)
    for gift in breakdown.gifts:
        reserve[gift.sku_id] = reserve.get(gift.sku_id, 0) + gift.quantity
    log_operation(order, action="orders.place_order", actor=actor,
                  after={**snapshot(order, ("status", "total_amount", "discount_amount", "channel")),
                         "lines": {skus[k].code: v for k, v in demand.items()},
                         "offers": {d.key: str(d.amount) for d in breakdown.discounts}})
    order_events.order_placed(order, [
        {"sku_id": p.sku_id, "sku_code": skus[p.sku_id].code, "quantity": p.quantity,
         "unit_price_amount": p.unit_price, "total_amount": p.paid_amount} for p in breakdown.lines
    ] + [{"sku_id": g.sku_id, "sku_code": gifts[g.sku_id].code, "quantity": g.quantity,
          "unit_price_amount": ZERO, "total_amount": ZERO} for g in breakdown.gifts])
    # Offer counters before stock rows: every placement takes its locks in the same order. The
    # gifts' SKUs are read and the log and the event are written first, so that the locks are
    # held for as few statements as possible.
    pricing_actions.consume_offers(breakdown, pricing_data, customer=customer,
                                   reference=reservation_reference(order), at=now)
    if breakdown.points_redeemed:
        pricing_membership.spend_order_points(customer, reference=order.number,
                                              points=breakdown.points_redeemed, actor=actor)
    reservations = inventory_actions.reserve_stock(
        reserve, reference=reservation_reference(order), province_code=recipient.province_code,
        actor=actor, sku_labels={pk: s.code for pk, s in {**skus, **gifts}.items()})
    OrderLine.objects.bulk_create([
        *[_line(order, skus[p.sku_id], reservations, p) for p in breakdown.lines],
        *[_gift_line(order, gifts[g.sku_id], reservations, g) for g in breakdown.gifts],
    ])
    return order


def _gift_skus(breakdown, skus: dict[int, Sku]) -> dict[int, Sku]:
    missing = {g.sku_id for g in breakdown.gifts} - set(skus)
    found = dict(skus)
    if missing:
        found.update({s.pk: s for s in Sku.objects.select_related("product").filter(pk__in=missing)})
    return found


def _line(order: Order, sku: Sku, reservations, priced) -> OrderLine:
    return OrderLine(
        order=order, sku=sku, warehouse_id=reservations[sku.pk].stock.warehouse_id,
        product_title=sku.product.title, sku_code=sku.code, option_values=sku.option_values,
        quantity=priced.quantity, unit_price_amount=priced.unit_price,
        unit_cost_amount=sku.cost_amount, discount_amount=priced.discount_amount,
        item_discount_amount=priced.item_discount,
        allocations={key: str(amount) for key, amount in priced.allocations.items()},
        total_amount=priced.paid_amount)


def _gift_line(order: Order, sku: Sku, reservations, gift) -> OrderLine:
    return OrderLine(
        order=order, sku=sku, warehouse_id=reservations[sku.pk].stock.warehouse_id,
        product_title=sku.product.title, sku_code=sku.code, option_values=sku.option_values,
        quantity=gift.quantity, unit_price_amount=ZERO, unit_cost_amount=sku.cost_amount,
        discount_amount=ZERO, total_amount=ZERO)


def _create_order_row(*, customer: Customer, recipient: Recipient, goods_amount: Decimal,
                      discount_amount: Decimal, shipping_amount: Decimal, **fields) -> Order:
    """Insert the order with a new random number (a collision raises ``IntegrityError``,
    which ``place_order`` answers by placing again: no savepoint per order)."""
    return Order.objects.create(
        number=_new_order_number(fields["placed_at"]), customer=customer,
        goods_amount=goods_amount, discount_amount=discount_amount,
        shipping_amount=shipping_amount,
        total_amount=rules.order_total(goods_amount, discount_amount, shipping_amount),
        recipient_name=recipient.name, recipient_phone=recipient.phone,
        province_code=recipient.province_code, city=recipient.city,
        district=recipient.district, address_detail=recipient.address_detail,
        **fields)


@transaction.atomic
def record_payment(order: Order, *, method: str, amount: Decimal, succeeded: bool,
                   actor: Staff | None, failure_reason: str = "",
                   transaction_id: str = "") -> Payment:
    """Record one payment attempt. A success pays the order in full; a failure keeps it
    pending and records why.

    Raises:
        InvalidTransition: the order is not pending payment.
        InvalidPaymentAmount: a successful payment not equal to the amount payable.
        FailureReasonRequired: a failure without a reason.
    """
    order = _lock(order)
    amount = to_money(amount)
    method = PaymentMethod(method)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(current=OrderStatus(order.status).label,
                                target=OrderStatus.PAID.label)
    if succeeded and amount != order.total_amount:
        raise InvalidPaymentAmount(amount=amount, expected=order.total_amount)
    if not succeeded:
        if not failure_reason:
            raise FailureReasonRequired()
        failure_reason = PaymentFailureReason(failure_reason)
    now = timezone.now()
    payment = Payment.objects.create(
        order=order, method=method, amount=amount, currency=order.currency,
        status=PaymentStatus.SUCCEEDED if succeeded else PaymentStatus.FAILED,
        failure_reason="" if succeeded else failure_reason, transaction_id=transaction_id,
        created_at=now, actor=actor)
    if succeeded:
        order.paid_amount = amount
        _transition(order, OrderStatus.PAID, actor=actor, action="orders.record_payment",
                    note=f"{method.label} {transaction_id}".strip(), at=now)
        transaction.on_commit(partial(_queue_review, order.pk))  # automatic review (review.py)
        if not order.is_imported:  # imported orders earned on their own platform
            pricing_membership.award_order_points(
                order.customer, reference=order.number, paid_amount=amount,
                shipping_amount=order.shipping_amount, actor=actor)
    else:
        log_operation(order, action="orders.record_payment_failure", actor=actor,
                      after={"method": method, "amount": str(amount), "reason": failure_reason})
    return payment


def _queue_review(order_id: int) -> None:
    if not settings.ZHANGGUI.get("AUTO_REVIEW_ON_PAYMENT", True):
        return  # the beat sweep still reviews the order
    from zhanggui.orders.tasks import queue_auto_review  # tasks import this module

    queue_auto_review(order_id)


@transaction.atomic
def review_order(order: Order, *, actor: Staff | None, note: str = "") -> Order:
    """Pass a paid order's review (审单) so it can be shipped. An order held by review rules
    is refused until its holds are released, except for staff with ``orders.override_hold``
    (the owner), whose review releases them (logged).

    Raises:
        InvalidTransition: the order is not paid.
        OrderHeld: the order is held and the actor may not override holds.
    """
    order = _lock(order)
    if order.is_held and order.status == OrderStatus.PAID:
        if actor is None or not actor.has_perm("orders.override_hold"):
            raise OrderHeld(number=order.number, count=order.holds.filter(released_at=None).count())
        from zhanggui.orders.review import release_all_holds  # review imports this module

        release_all_holds(order, actor=actor, note=note or "override", resolution="overridden")
    return _transition(order, OrderStatus.REVIEWED, actor=actor, action="orders.review_order",
                       note=note)


@transaction.atomic
def cancel_order(order: Order, *, reason: str, actor: Staff | None) -> Order:
    """Cancel an order and release its reservations.

    An unpaid order can always be cancelled. A paid, not yet shipped order can be
    cancelled only once it has been refunded in full (after-sales does that).

    Raises:
        InvalidTransition: the order is shipped or already closed.
        RefundFirst: the order is paid and not yet fully refunded.
    """
    order = _lock(order)
    not_refunded = order.status in rules.PAID_STATES and order.refunded_amount < order.paid_amount
    if not_refunded and rules.can_transition(order.status, OrderStatus.CANCELLED):
        raise RefundFirst()
    was_unpaid = order.status == OrderStatus.PENDING_PAYMENT
    order.cancel_reason = reason[:200]
    order = _transition(order, OrderStatus.CANCELLED, actor=actor, action="orders.cancel_order",
                        note=reason)
    inventory_actions.release_reservations(reservation_reference(order), actor=actor)
    if was_unpaid and order.points_redeemed:
        pricing_membership.restore_order_points(order.customer, reference=order.number, actor=actor)
    if order.is_held:
        from zhanggui.orders.review import release_all_holds  # review imports this module

        release_all_holds(order, actor=actor, note=reason, resolution="cancelled")
    return order


@transaction.atomic
def close_unpaid_order(order: Order, *, actor: Staff | None = None) -> Order:
    """Close an order whose payment window ran out and release its reservations."""
    order = _lock(order)
    order.cancel_reason = "payment timeout"
    order = _transition(order, OrderStatus.CLOSED, actor=actor, action="orders.close_unpaid_order",
                        note="payment timeout")
    inventory_actions.release_reservations(reservation_reference(order), actor=actor)
    if order.points_redeemed:
        pricing_membership.restore_order_points(order.customer, reference=order.number, actor=actor)
    return order


def expire_unpaid_orders(*, now: datetime | None = None, timeout_minutes: int | None = None) -> int:
    """Close every order left unpaid longer than the timeout. Returns how many were closed.

    Each order is closed in its own transaction, so one failure does not hold back the rest
    and a concurrent payment simply wins (the order is then no longer pending).
    """
    now = now or timezone.now()
    if timeout_minutes is None:
        timeout_minutes = settings.ZHANGGUI["UNPAID_ORDER_TIMEOUT_MINUTES"]
    cutoff = now - timedelta(minutes=timeout_minutes)
    closed = 0
    stale = Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, placed_at__lt=cutoff,
                                 is_imported=False)
    for order in stale.only("pk").iterator():
        try:
            close_unpaid_order(order)
            closed += 1
        except InvalidTransition:
            continue  # paid or cancelled meanwhile
    return closed


@transaction.atomic
def mark_order_shipped(order: Order, *, actor: Staff | None, note: str = "") -> Order:
    """Fulfillment calls this once the parcel left; stock is consumed there."""
    return _transition(_lock(order), OrderStatus.SHIPPED, actor=actor,
                       action="orders.mark_shipped", note=note)


@transaction.atomic
def mark_order_delivered(order: Order, *, actor: Staff | None) -> Order:
    return _transition(_lock(order), OrderStatus.DELIVERED, actor=actor,
                       action="orders.mark_delivered")


@transaction.atomic
def complete_order(order: Order, *, actor: Staff | None) -> Order:
    """Complete a delivered order (buyer confirmed or the confirmation window passed).

    Raises:
        InvalidTransition: the order is not delivered.
    """
    return _transition(_lock(order), OrderStatus.COMPLETED, actor=actor,
                       action="orders.complete_order")


@transaction.atomic
def apply_refund(order: Order, *, amount: Decimal, actor: Staff | None,
                 line_amounts: dict[int, Decimal] | None = None) -> Order:
    """Add ``amount`` to the order's refunded total (after-sales calls this).

    Raises:
        InvalidAmount: amount not positive.
        RefundExceedsPaid: amount above paid minus earlier refunds.
    """
    order = _lock(order)
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidAmount()
    if amount > order.refundable_amount:
        raise RefundExceedsPaid(amount=amount, refundable=order.refundable_amount)
    before = snapshot(order, STATUS_FIELDS)
    order.refunded_amount += amount
    order.save(update_fields=["refunded_amount", "updated_at"])
    for line_id, line_amount in (line_amounts or {}).items():
        line = OrderLine.objects.select_for_update().get(pk=line_id, order=order)
        line.refunded_amount += to_money(line_amount)
        line.save(update_fields=["refunded_amount"])
    log_operation(order, action="orders.apply_refund", actor=actor, before=before,
                  after=snapshot(order, STATUS_FIELDS))
    return order


@transaction.atomic
def record_returned_units(line: OrderLine, *, quantity: int, actor: Staff | None) -> OrderLine:
    """Count ``quantity`` units of ``line`` as returned (never more than were sold)."""
    line = OrderLine.objects.select_for_update().get(pk=line.pk)
    if quantity <= 0 or line.returned_quantity + quantity > line.quantity:
        raise InvalidAmount()
    line.returned_quantity += quantity
    line.save(update_fields=["returned_quantity"])
    # A changed line marks its order changed: the analytics warehouse re-reads an order's
    # lines by the order's ``updated_at``.
    Order.objects.filter(pk=line.order_id).update(updated_at=timezone.now())
    return line


def reencrypt_personal_data(*, actor: Staff | None, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt orders' recipient data under the newest key in ``ZHANGGUI_DATA_KEYS`` and
    recompute the recipient-phone blind index; rows already current are left alone. Returns
    the rows rewritten. Batches commit on their own (``core.fields.reencrypt_rows``); one
    operation-log entry records the count.

    Raises:
        PersonalDataKeyError: a stored value that no configured key decrypts.
    """
    counts = {"orders": reencrypt_rows(Order.objects.all(), batch_size=batch_size)}
    with transaction.atomic():
        log_operation(ContentType.objects.get_for_model(Order),
                      action="orders.reencrypt_personal_data", actor=actor, after=counts)
    return counts
