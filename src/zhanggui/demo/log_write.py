"""Operation-log entries for the simulated history, as the actions would have written them
(same action names, object types, before/after values and actors), so the console can
show every seeded order's history."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.aftersales.models import RequestKind, RequestStatus
from zhanggui.demo.context import chunked
from zhanggui.demo.plans import OrderPlan, RequestPlan
from zhanggui.fulfillment.models import Carrier
from zhanggui.orders.models import OrderStatus, PaymentMethod

S = OrderStatus
ORDER, SHIPMENT = "orders.order", "fulfillment.shipment"
REQUEST, REFUND = "aftersales.aftersalesrequest", "aftersales.refund"
STEP_ACTIONS = {
    S.REVIEWED: ("orders.review_order", "service"), S.SHIPPED: ("orders.mark_shipped", "warehouse"),
    S.DELIVERED: ("orders.mark_delivered", None), S.COMPLETED: ("orders.complete_order", None),
    S.CLOSED: ("orders.close_unpaid_order", None), S.CANCELLED: ("orders.cancel_order", None),
}
REQUEST_FIELDS = ("status", "requested_amount", "decision_note")


def money(value: Decimal) -> str:
    return str(value)


@dataclass
class OrderState:
    """The order's status fields as they were at a point of its history."""

    status: str = S.PENDING_PAYMENT
    paid: Decimal = Decimal("0.00")
    refunded: Decimal = Decimal("0.00")

    def snapshot(self) -> dict:
        return {"status": str(self.status), "paid_amount": money(self.paid),
                "refunded_amount": money(self.refunded)}


class OrderHistory:
    """Builds the log entries of one order in time order."""

    def __init__(self, order: OrderPlan, actors: dict[str, Staff]):
        self.order, self.actors = order, actors
        self.state = OrderState()
        self.rows: list[OperationLog] = []
        self.shipment_repr = (f"{Carrier(order.carrier).label} {order.tracking_number}"
                              if order.carrier else "")

    def entry(self, at: datetime, action: str, *, object_type: str = ORDER, object_id=None,
              object_repr: str | None = None, actor: str | None = None, before=None, after=None,
              note: str = "") -> None:
        self.rows.append(OperationLog(
            actor=self.actors.get(actor) if actor else None, action=action,
            object_type=object_type, object_id=str(object_id or self.order.pk),
            object_repr=(object_repr or self.order.number)[:200], before=before, after=after,
            note=note[:255], created_at=at))

    def build(self) -> list[OperationLog]:
        o = self.order
        self.entry(o.placed_at, "orders.place_order", after={
            "status": str(S.PENDING_PAYMENT), "total_amount": money(o.total), "channel": o.channel,
            "lines": {line.sku.code: line.quantity for line in o.lines}})
        events = [(a.at, 0, self._attempt, a) for a in o.attempts]
        events += [(at, 1, self._step, status) for status, at in self._steps()]
        for request in o.requests:
            events += [(at, 2, handler, request) for at, handler in self._request_events(request)]
        for _at, _rank, handler, subject in sorted(events, key=lambda e: (e[0], e[1])):
            handler(subject)
        return self.rows

    def _steps(self) -> list[tuple[str, datetime]]:
        o = self.order
        steps = [(S.REVIEWED, o.reviewed_at), (S.SHIPPED, o.shipped_at),
                 (S.DELIVERED, o.delivered_at), (S.COMPLETED, o.completed_at),
                 (S.CLOSED, o.closed_at)]
        if o.paid_at is None:  # a paid order is cancelled by its refund instead
            steps.append((S.CANCELLED, o.cancelled_at))
        return [(status, at) for status, at in steps if at is not None]

    def _attempt(self, attempt) -> None:
        o = self.order
        if not attempt.succeeded:
            self.entry(attempt.at, "orders.record_payment_failure", after={
                "method": attempt.method, "amount": money(o.total), "reason": attempt.reason})
            return
        before = self.state.snapshot()
        self.state.status, self.state.paid = S.PAID, o.total
        label = PaymentMethod(attempt.method).label
        self.entry(attempt.at, "orders.record_payment", before=before,
                   after=self.state.snapshot(), note=f"{label} {attempt.transaction_id}".strip())

    def _step(self, status: str) -> None:
        o = self.order
        at = getattr(o, {S.REVIEWED: "reviewed_at", S.SHIPPED: "shipped_at",
                         S.DELIVERED: "delivered_at", S.COMPLETED: "completed_at",
                         S.CLOSED: "closed_at", S.CANCELLED: "cancelled_at"}[status])
        action, actor = STEP_ACTIONS[status]
        before = self.state.snapshot()
        self.state.status = status
        note = {S.SHIPPED: self.shipment_repr, S.CLOSED: "payment timeout",
                S.CANCELLED: o.cancel_reason}.get(status, "")
        self.entry(at, action, actor=actor, before=before, after=self.state.snapshot(), note=note)
        if status == S.SHIPPED:
            self.entry(at, "fulfillment.ship_order", object_type=SHIPMENT,
                       object_id=o.shipment_pk, object_repr=self.shipment_repr, actor="warehouse",
                       after={"order": o.number, "carrier": o.carrier,
                              "tracking_number": o.tracking_number})
        elif status == S.DELIVERED:
            self.entry(at, "fulfillment.mark_delivered", object_type=SHIPMENT,
                       object_id=o.shipment_pk, object_repr=self.shipment_repr,
                       before={"status": "shipped"}, after={"status": "delivered"})

    def _request_events(self, r: RequestPlan):
        events = [(r.requested_at, self._requested)]
        if r.decided_at is not None:
            events.append((r.decided_at, self._decided))
        if r.received_at is not None:
            events.append((r.received_at, self._received))
        if r.refunded_at is not None:
            events.append((r.refunded_at, self._refunded))
        return events

    def _request_entry(self, r: RequestPlan, at: datetime, action: str, actor: str | None,
                       before: dict | None, after: dict, note: str = "") -> None:
        self.entry(at, action, object_type=REQUEST, object_id=r.pk, object_repr=r.number,
                   actor=actor, before=before, after=after, note=note)

    @staticmethod
    def _request_fields(r: RequestPlan, status: str, note: str) -> dict:
        return {"status": str(status), "requested_amount": money(r.requested_amount),
                "decision_note": note}

    def _requested(self, r: RequestPlan) -> None:
        after = {**self._request_fields(r, RequestStatus.REQUESTED, ""), "kind": r.kind,
                 "reason_code": r.reason_code, "order": self.order.number,
                 "lines": {str(rl.line.pk): rl.quantity for rl in r.lines}}
        self._request_entry(r, r.requested_at, "aftersales.request", None, None, after)

    def _decided(self, r: RequestPlan) -> None:
        decision = (RequestStatus.REJECTED if r.decision == RequestStatus.REJECTED
                    else RequestStatus.APPROVED)
        action = "aftersales.reject" if decision == RequestStatus.REJECTED else "aftersales.approve"
        self._request_entry(r, r.decided_at, action, "service",
                            self._request_fields(r, RequestStatus.REQUESTED, ""),
                            self._request_fields(r, decision, r.decision_note),
                            note=r.decision_note)

    def _received(self, r: RequestPlan) -> None:
        after = {**self._request_fields(r, RequestStatus.RECEIVED, r.decision_note),
                 "dispositions": {str(rl.pk): rl.disposition for rl in r.lines}}
        self._request_entry(r, r.received_at, "aftersales.receive_return", "warehouse",
                            self._request_fields(r, RequestStatus.APPROVED, r.decision_note), after)

    def _refunded(self, r: RequestPlan) -> None:
        at = r.refunded_at
        before = self.state.snapshot()
        self.state.refunded += r.refund_amount
        self.entry(at, "orders.apply_refund", actor="finance", before=before,
                   after=self.state.snapshot())
        ready = (RequestStatus.APPROVED if r.kind == RequestKind.REFUND_ONLY
                 else RequestStatus.RECEIVED)
        self._request_entry(r, at, "aftersales.refunded", "finance",
                            self._request_fields(r, ready, r.decision_note),
                            self._request_fields(r, RequestStatus.REFUNDED, r.decision_note))
        self.entry(at, "aftersales.issue_refund", object_type=REFUND, object_id=r.refund_pk,
                   object_repr=f"{self.order.number} −{r.refund_amount}", actor="finance",
                   after={"order": self.order.number, "amount": money(r.refund_amount),
                          "reason": r.refund_reason})
        if r.cancels_order:
            before = self.state.snapshot()
            self.state.status = S.CANCELLED
            self.entry(at, "orders.cancel_order", actor="finance", before=before,
                       after=self.state.snapshot(), note=self.order.cancel_reason)


def write_order_logs(orders: list[OrderPlan], staff: dict[str, Staff]) -> int:
    written = 0
    for batch in chunked(orders, 3000):
        rows = [row for order in batch for row in OrderHistory(order, staff).build()]
        OperationLog.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written
