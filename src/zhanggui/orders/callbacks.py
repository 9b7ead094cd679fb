"""Payment-provider callbacks (支付回调): a notification that money arrived (or a payment
failed) for an order number, applied through ``actions.record_payment``, idempotent on the
provider's transaction id, and a ``payment_callback_failed`` task when it cannot be applied.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import DomainError
from zhanggui.core.money import to_money
from zhanggui.orders import actions
from zhanggui.orders.errors import (
    CallbackAmountMismatch,
    CallbackNotApplicable,
    CallbackOrderDead,
    CallbackOrderUnknown,
    CallbackRefused,
)
from zhanggui.orders.models import Order, OrderStatus, PaymentCallback, PaymentCallbackStatus
from zhanggui.orders.tasks_kinds import open_callback_task

DEAD = (OrderStatus.CANCELLED, OrderStatus.CLOSED)


@dataclass(frozen=True)
class CallbackResult:
    """The record of this delivery and, when it (or the original it repeats) was refused,
    the error to answer with."""

    callback: PaymentCallback
    error: DomainError | None = None


def _error_of(record: PaymentCallback) -> DomainError | None:
    if record.status != PaymentCallbackStatus.REFUSED:
        return None
    error = CallbackRefused(record.error_message)
    error.code = record.error_code or CallbackRefused.code
    if record.error_code == CallbackOrderUnknown.code:
        error.http_status = CallbackOrderUnknown.http_status
    return error


def receive_payment_callback(*, transaction_id: str, order_number: str, amount: Decimal,
                             method: str, succeeded: bool, actor: Staff | None,
                             failure_reason: str = "", payload: dict | None = None) -> CallbackResult:
    """Record and apply one callback.

    The first delivery of a transaction id is applied: a success pays the order (then
    automatic review runs, as for any payment), a failure records the failed attempt. It is
    refused — recorded with its error code, a ``payment_callback_failed`` task opened — when
    the order is unknown, closed or cancelled (money arrived for a dead order), already paid,
    or the amount does not match. A repeat of a transaction id is recorded as a duplicate and
    answered as the original was; nothing is applied twice.
    """
    amount = to_money(amount)
    fields = {"transaction_id": transaction_id, "order_number": order_number, "amount": amount,
              "method": method, "succeeded": succeeded, "failure_reason": failure_reason or "",
              "payload": payload or {}, "actor": actor}
    with transaction.atomic():
        original = _original(transaction_id)
        if original is not None:
            return _duplicate(original, fields)
        try:
            with transaction.atomic():
                record = PaymentCallback.objects.create(
                    status=PaymentCallbackStatus.APPLIED, received_at=timezone.now(), **fields)
        except IntegrityError:  # a concurrent delivery of the same transaction id won
            return _duplicate(_original(transaction_id), fields)
        error = _apply(record, actor=actor)
        if error is None:
            log_operation(record, action="orders.payment_callback", actor=actor,
                          after={"status": record.status, "order": order_number,
                                 "amount": str(amount), "succeeded": succeeded})
            return CallbackResult(record)
        record.status, record.error_code, record.error_message = (
            PaymentCallbackStatus.REFUSED, error.code, str(error)[:255])
        record.save(update_fields=["status", "error_code", "error_message"])
        log_operation(record, action="orders.payment_callback", actor=actor,
                      after={"status": record.status, "order": order_number, "amount": str(amount),
                             "error": error.code})
        open_callback_task(record, actor=actor)
        return CallbackResult(record, error)


def _original(transaction_id: str) -> PaymentCallback | None:
    return (PaymentCallback.objects.exclude(status=PaymentCallbackStatus.DUPLICATE)
            .filter(transaction_id=transaction_id).first())


def _duplicate(original: PaymentCallback, fields: dict) -> CallbackResult:
    record = PaymentCallback.objects.create(
        status=PaymentCallbackStatus.DUPLICATE, original=original, order=original.order,
        payment=original.payment, error_code=original.error_code,
        error_message=original.error_message, received_at=timezone.now(), **fields)
    log_operation(record, action="orders.payment_callback", actor=fields["actor"],
                  after={"status": record.status, "original": original.pk})
    return CallbackResult(record, _error_of(original))


def _apply(record: PaymentCallback, *, actor: Staff | None) -> DomainError | None:
    """Pay the order or record the failed attempt, in a savepoint; the refusal otherwise."""
    order = Order.objects.filter(number=record.order_number).first()
    if order is None:
        return CallbackOrderUnknown(number=record.order_number)
    record.order = order
    record.save(update_fields=["order"])
    status_label = OrderStatus(order.status).label
    if order.status in DEAD:
        return CallbackOrderDead(number=order.number, status=status_label)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return CallbackNotApplicable(number=order.number, status=status_label)
    if record.succeeded and record.amount != order.total_amount:
        return CallbackAmountMismatch(amount=record.amount, expected=order.total_amount,
                                      number=order.number)
    try:
        with transaction.atomic():
            payment = actions.record_payment(
                order, method=record.method, amount=record.amount, succeeded=record.succeeded,
                actor=actor, failure_reason=record.failure_reason,
                transaction_id=record.transaction_id)
    except DomainError as error:  # paid or cancelled meanwhile, a failure without a reason
        return error
    record.payment = payment
    record.save(update_fields=["payment"])
    return None
