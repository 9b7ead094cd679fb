"""After-sales writes: requests, decisions, receipt of returned goods, refunds."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation, raise_alert, snapshot
from zhanggui.accounts.models import AlertKind, Staff
from zhanggui.aftersales import events as aftersales_events
from zhanggui.aftersales import rules
from zhanggui.aftersales.errors import (
    DecisionNoteRequired,
    InvalidDisposition,
    InvalidRequestState,
    InvalidReturnLines,
    NotEligible,
)
from zhanggui.aftersales.models import (
    AftersalesLine,
    AftersalesRequest,
    Disposition,
    ReasonCode,
    Refund,
    RequestKind,
    RequestStatus,
)
from zhanggui.core.money import ZERO, to_money
from zhanggui.inventory import actions as inventory_actions
from zhanggui.orders import actions as order_actions
from zhanggui.orders.errors import RefundExceedsPaid
from zhanggui.orders.models import Order
from zhanggui.orders.rules import SHIPPED_STATES, allocate, line_refund_share
from zhanggui.pricing import membership as pricing_membership

REQUEST_FIELDS = ("status", "requested_amount", "decision_note")


def _lock(request: AftersalesRequest) -> AftersalesRequest:
    return AftersalesRequest.objects.select_for_update().select_related("order").get(pk=request.pk)


def _require_status(request: AftersalesRequest, *allowed: str) -> None:
    if request.status not in allowed:
        raise InvalidRequestState(status=RequestStatus(request.status).label)


def _pending_quantities(order: Order) -> dict[int, int]:
    rows = (AftersalesLine.objects.filter(request__order=order,
                                          request__status__in=rules.OPEN_STATES - {RequestStatus.RECEIVED})
            .values("order_line_id").annotate(total=Sum("quantity")))
    return {row["order_line_id"]: row["total"] for row in rows}


def _check_lines(order: Order, lines: dict[int, int]) -> None:
    order_lines = {line.pk: line for line in order.lines.all()}
    pending = _pending_quantities(order)
    for line_id, quantity in lines.items():
        line = order_lines.get(line_id)
        if line is None:
            raise InvalidReturnLines(problem=f"line {line_id} is not on order {order.number}")
        allowed = rules.returnable_quantity(line.quantity, line.returned_quantity,
                                            pending.get(line_id, 0))
        if not 0 < quantity <= allowed:
            raise InvalidReturnLines(problem=f"{line.sku_code}: at most {allowed} units")


@transaction.atomic
def request_aftersales(order: Order, *, kind: str, reason_code: str, actor: Staff | None,
                       lines: dict[int, int] | None = None, requested_amount: Decimal = ZERO,
                       buyer_note: str = "") -> AftersalesRequest:
    """Open a return, exchange or refund-only request on a paid order.

    ``lines`` maps order-line id → units (required for returns and exchanges).

    Raises:
        NotEligible: unpaid order, or goods not yet shipped for a return/exchange.
        InvalidReturnLines: unknown lines or more units than can still be returned.
        RefundExceedsPaid: the requested amount exceeds what can still be refunded.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    kind, reason_code = RequestKind(kind), ReasonCode(reason_code)
    problem = rules.eligibility_problem(kind, order.status)
    if problem:
        raise NotEligible(kind=kind.label, problem=problem)
    lines = lines or {}
    if rules.needs_goods_back(kind) and not lines:
        raise InvalidReturnLines(problem="choose the lines and units to send back")
    _check_lines(order, lines)
    requested_amount = to_money(requested_amount)
    if requested_amount < 0 or requested_amount > order.refundable_amount:
        raise RefundExceedsPaid(amount=requested_amount, refundable=order.refundable_amount)
    request = AftersalesRequest.objects.create(
        number=f"AS{timezone.localtime():%y%m%d}{secrets.randbelow(10**8):08d}", order=order,
        kind=kind, reason_code=reason_code, requested_amount=requested_amount,
        buyer_note=buyer_note, requested_at=timezone.now())
    AftersalesLine.objects.bulk_create(
        [AftersalesLine(request=request, order_line_id=line_id, quantity=quantity)
         for line_id, quantity in sorted(lines.items())])
    log_operation(request, action="aftersales.request", actor=actor,
                  after={**snapshot(request, REQUEST_FIELDS), "kind": kind,
                         "reason_code": reason_code, "order": order.number,
                         "lines": {str(k): v for k, v in lines.items()}})
    return request


@transaction.atomic
def approve_request(request: AftersalesRequest, *, actor: Staff | None,
                    note: str = "") -> AftersalesRequest:
    """Approve a request (the buyer may now send goods back, or finance may refund)."""
    request = _lock(request)
    _require_status(request, RequestStatus.REQUESTED)
    return _decide(request, RequestStatus.APPROVED, note=note, actor=actor,
                   action="aftersales.approve")


@transaction.atomic
def reject_request(request: AftersalesRequest, *, note: str, actor: Staff | None) -> AftersalesRequest:
    """Reject a request with a reason shown to the buyer.

    Raises:
        DecisionNoteRequired: blank reason.
    """
    if not note.strip():
        raise DecisionNoteRequired()
    request = _lock(request)
    _require_status(request, RequestStatus.REQUESTED)
    request.closed_at = timezone.now()
    return _decide(request, RequestStatus.REJECTED, note=note, actor=actor,
                   action="aftersales.reject")


def _decide(request: AftersalesRequest, status: str, *, note: str, actor: Staff | None,
            action: str) -> AftersalesRequest:
    before = snapshot(request, REQUEST_FIELDS)
    request.status, request.decision_note = status, note[:255]
    request.decided_at = timezone.now()
    request.save()
    log_operation(request, action=action, actor=actor, before=before,
                  after=snapshot(request, REQUEST_FIELDS), note=note)
    return request


@transaction.atomic
def receive_return(request: AftersalesRequest, *, dispositions: dict[int, str],
                   actor: Staff | None) -> AftersalesRequest:
    """Book the returned goods: each after-sales line is restocked (back on hand in the
    warehouse it shipped from) or scrapped (never re-enters stock).

    ``dispositions`` maps after-sales line id → ``restock`` or ``scrap``.

    Raises:
        InvalidRequestState: not an approved return or exchange.
        InvalidDisposition: a line missing or with an unknown disposition.
    """
    request = _lock(request)
    _require_status(request, RequestStatus.APPROVED)
    if not rules.needs_goods_back(request.kind):
        raise InvalidRequestState(status=RequestStatus(request.status).label)
    lines = list(request.lines.select_related("order_line__sku", "order_line__warehouse"))
    if {line.pk for line in lines} != set(dispositions) or not all(
            d in (Disposition.RESTOCK, Disposition.SCRAP) for d in dispositions.values()):
        raise InvalidDisposition()
    reference = f"aftersales:{request.number}"
    for line in lines:
        line.disposition = dispositions[line.pk]
        line.save(update_fields=["disposition"])
        order_actions.record_returned_units(line.order_line, quantity=line.quantity, actor=actor)
        if line.disposition == Disposition.RESTOCK:
            inventory_actions.restock_return(line.order_line.sku, warehouse=line.order_line.warehouse,
                                             quantity=line.quantity, reference=reference,
                                             actor=actor)
    before = snapshot(request, REQUEST_FIELDS)
    request.status, request.received_at = RequestStatus.RECEIVED, timezone.now()
    request.save()
    log_operation(request, action="aftersales.receive_return", actor=actor, before=before,
                  after={**snapshot(request, REQUEST_FIELDS),
                         "dispositions": {str(k): v for k, v in dispositions.items()}})
    return request


@transaction.atomic
def complete_exchange(request: AftersalesRequest, *, actor: Staff | None) -> AftersalesRequest:
    """Close an exchange once the replacement has been sent."""
    request = _lock(request)
    _require_status(request, RequestStatus.RECEIVED)
    if request.kind != RequestKind.EXCHANGE:
        raise InvalidRequestState(status=RequestStatus(request.status).label)
    request.closed_at = timezone.now()
    return _decide(request, RequestStatus.COMPLETED, note=request.decision_note, actor=actor,
                   action="aftersales.complete_exchange")


@transaction.atomic
def issue_refund(order: Order, *, amount: Decimal | None, reason: str, actor: Staff | None,
                 request: AftersalesRequest | None = None) -> Refund:
    """Refund money to the buyer; never more than was paid minus earlier refunds.

    With a request: a refund-only request must be approved, a return must have its goods
    received; the request is then marked refunded. A full refund-only refund of an order
    not yet shipped cancels the order and releases its stock.

    ``amount=None`` refunds what the request's lines were paid (``refund_due``): each line's
    stored share after its discounts, so the buyer gets back exactly what those units cost.

    Raises:
        InvalidAmount: amount not positive.
        RefundExceedsPaid: above what can still be refunded (checked under the order lock).
        InvalidRequestState: the request is not ready for a refund.
    """
    if request is not None:
        request = _lock(request)
        ready = (RequestStatus.APPROVED if request.kind == RequestKind.REFUND_ONLY
                 else RequestStatus.RECEIVED)
        _require_status(request, ready)
        order = request.order
    due = refund_due(request) if request is not None else None
    if amount is None:
        if not due:
            raise InvalidReturnLines(problem="name the amount: the request has no lines")
        amount = sum(due.values(), ZERO)
    amount = to_money(amount)
    if due and amount == sum(due.values(), ZERO):
        line_amounts = due
    else:
        line_amounts = _line_shares(request, amount) if request is not None else None
    order = order_actions.apply_refund(order, amount=amount, actor=actor, line_amounts=line_amounts)
    # the order's share of the points it earned goes with the money (cumulative, exact)
    pricing_membership.reverse_order_points(order.customer, reference=order.number,
                                            refunded_amount=order.refunded_amount,
                                            paid_amount=order.paid_amount, actor=actor)
    refund = Refund.objects.create(order=order, request=request, amount=amount,
                                   currency=order.currency, reason=reason[:200] or "refund",
                                   created_at=timezone.now(), actor=actor)
    if request is not None:
        before = snapshot(request, REQUEST_FIELDS)
        request.status, request.closed_at = RequestStatus.REFUNDED, timezone.now()
        request.save()
        log_operation(request, action="aftersales.refunded", actor=actor, before=before,
                      after=snapshot(request, REQUEST_FIELDS))
    aftersales_events.refund_issued(refund, order)
    log_operation(refund, action="aftersales.issue_refund", actor=actor,
                  after={"order": order.number, "amount": str(amount), "reason": reason})
    if amount > Decimal(settings.ZHANGGUI["ALERT_REFUND_AMOUNT"]):
        raise_alert(AlertKind.REFUND, obj=refund, actor=actor, message=_(
            "Refund of %(amount)s on order %(order)s (above the alert threshold of "
            "%(threshold)s).") % {"amount": amount, "order": order.number,
                                   "threshold": settings.ZHANGGUI["ALERT_REFUND_AMOUNT"]})
    if order.status not in SHIPPED_STATES and order.refunded_amount == order.paid_amount:
        order_actions.cancel_order(order, reason="refunded before shipping", actor=actor)
    return refund


def refund_due(request: AftersalesRequest) -> dict[int, Decimal]:
    """Order-line id → what refunding the request's units of that line gives back (its paid
    amount per unit from the stored allocation; the last units take the exact rest)."""
    due = {}
    for item in request.lines.select_related("order_line"):
        line = item.order_line
        covered = max(line.returned_quantity, _pending_units(request, line.pk, item.quantity))
        due[line.pk] = line_refund_share(
            total_amount=line.total_amount, quantity=line.quantity, units=item.quantity,
            refunded_amount=line.refunded_amount, is_last=covered >= line.quantity)
    return due


def _pending_units(request: AftersalesRequest, line_id: int, units: int) -> int:
    """Units of the line covered once this request is refunded, for refund-only requests
    whose goods are not counted as returned."""
    earlier = (AftersalesLine.objects.filter(order_line_id=line_id, request__status=RequestStatus.REFUNDED)
               .exclude(request=request).aggregate(total=Sum("quantity"))["total"] or 0)
    return earlier + units


def _line_shares(request: AftersalesRequest, amount: Decimal) -> dict[int, Decimal]:
    """Split a request's refund over its lines by their value, for per-line refund figures."""
    lines = list(request.lines.select_related("order_line"))
    if not lines:
        return {}
    weights = [line.order_line.total_amount * line.quantity / line.order_line.quantity
               for line in lines]
    parts = allocate(amount, weights)
    return {line.order_line_id: part for line, part in zip(lines, parts, strict=True)}
