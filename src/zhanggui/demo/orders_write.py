"""Bulk writes of the simulated history: stock rows and their ledger, orders with lines,
payments, shipments and reservations, and after-sales requests with refunds."""

from zhanggui.accounts.models import Staff
from zhanggui.aftersales.models import AftersalesLine, AftersalesRequest, Refund, RequestStatus
from zhanggui.demo.context import bulk_insert, chunked, historical_timestamps
from zhanggui.demo.numbers import Numbers
from zhanggui.demo.parcels_write import ParcelWriter
from zhanggui.demo.plans import Movement, OrderPlan, StockState
from zhanggui.fulfillment.models import Shipment, TrackingEvent
from zhanggui.inventory.models import Reservation, ReservationStatus, Stock, StockMovement
from zhanggui.orders.models import Order, OrderLine, OrderStatus, Payment, PaymentStatus
from zhanggui.orders.rules import SHIPPED_STATES


def assign_tracking_numbers(numbers: Numbers, orders: list[OrderPlan]) -> None:
    """Shipped orders leave from the warehouse of their first reservation (lowest stock id,
    as ``fulfillment.actions.ship_order``) with the carrier the lifecycle gave them
    (``logistics_plan``) and one of its waybill numbers."""
    for order in orders:
        if order.shipped_at is not None:
            order.tracking_number = numbers.tracking(order.carrier)


def _shipping_stock(order: OrderPlan) -> StockState:
    return min((line.stock for line in order.lines), key=lambda s: s.ordinal)


def write_stock(stocks: list[StockState], movements: list[Movement], staff: dict[str, Staff],
                opened_at) -> None:
    rows = [Stock(sku_id=s.sku.pk, warehouse_id=s.warehouse.pk, on_hand=s.on_hand,
                  reserved=s.reserved, low_stock_threshold=s.low_threshold,
                  created_at=s.first_at or opened_at,
                  updated_at=s.last_at or opened_at) for s in stocks]
    bulk_insert(Stock, rows)
    for stock, row in zip(stocks, rows, strict=True):
        stock.pk = row.pk
    if [s.pk for s in stocks] != sorted(s.pk for s in stocks):
        raise RuntimeError("stock rows did not get ascending ids in write order")
    actors = {role: member.pk for role, member in staff.items()}
    for batch in chunked(movements, 5000):
        StockMovement.objects.bulk_create([
            StockMovement(stock_id=m.stock.pk, kind=m.kind, on_hand_delta=m.on_hand_delta,
                          reserved_delta=m.reserved_delta, on_hand_after=m.on_hand_after,
                          reserved_after=m.reserved_after, reason=m.reason, reference=m.reference,
                          actor_id=actors.get(m.actor), created_at=m.at)
            for m in batch])


def write_orders(orders: list[OrderPlan], staff: dict[str, Staff]) -> None:
    with historical_timestamps(Order):
        for batch in chunked(orders):
            rows = [_order_row(o) for o in batch]
            Order.objects.bulk_create(rows)
            for order, row in zip(batch, rows, strict=True):
                order.pk = row.pk
            _write_lines(batch)
            Payment.objects.bulk_create([
                Payment(order_id=o.pk, method=a.method, amount=o.total, status=(
                    PaymentStatus.SUCCEEDED if a.succeeded else PaymentStatus.FAILED),
                    failure_reason=a.reason, transaction_id=a.transaction_id, created_at=a.at)
                for o in batch for a in o.attempts])
    _write_reservations(orders)


def write_parcels(orders: list[OrderPlan], staff: dict[str, Staff], parcels: ParcelWriter) -> None:
    """The shipped orders' parcels, with their lines and tracking events."""
    shipped = [o for o in orders if o.status in SHIPPED_STATES]
    with historical_timestamps(Shipment, TrackingEvent):
        for batch in chunked(shipped):
            parcels.write(batch, staff["warehouse"],
                          {o.pk: _shipping_stock(o).warehouse for o in batch})


def _order_row(o: OrderPlan) -> Order:
    a = o.address
    return Order(
        number=o.number, channel=o.channel, external_id=o.external_id,
        customer_id=o.customer.pk, status=o.status, goods_amount=o.goods,
        discount_amount=o.discount, shipping_amount=o.shipping, total_amount=o.total,
        paid_amount=o.paid_amount, refunded_amount=o.refunded_amount, recipient_name=a.name,
        recipient_phone=a.phone, province_code=a.province_code, city=a.city,
        district=a.district, address_detail=a.detail, buyer_note=o.buyer_note,
        placed_at=o.placed_at, paid_at=o.paid_at, reviewed_at=o.reviewed_at,
        shipped_at=o.shipped_at, delivered_at=o.delivered_at, completed_at=o.completed_at,
        cancelled_at=o.cancelled_at, closed_at=o.closed_at, cancel_reason=o.cancel_reason,
        created_at=o.placed_at, updated_at=o.last_change_at)


def _write_lines(batch: list[OrderPlan]) -> None:
    plans = [line for o in batch for line in o.lines]
    rows = [OrderLine(order_id=o.pk, sku_id=li.sku.pk, warehouse_id=li.stock.warehouse.pk,
                      product_title=li.sku.product_title, sku_code=li.sku.code,
                      option_values=li.sku.option_values, quantity=li.quantity,
                      unit_price_amount=li.unit_price, unit_cost_amount=li.sku.cost,
                      discount_amount=li.discount, total_amount=li.total,
                      returned_quantity=li.returned_quantity, refunded_amount=li.refunded)
            for o in batch for li in o.lines]
    OrderLine.objects.bulk_create(rows)
    for plan, row in zip(plans, rows, strict=True):
        plan.pk = row.pk


def _reservation_state(order: OrderPlan):
    if order.status in SHIPPED_STATES:
        return ReservationStatus.CONSUMED, order.shipped_at
    if order.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        return ReservationStatus.RELEASED, order.cancelled_at or order.closed_at
    return ReservationStatus.ACTIVE, None


def _write_reservations(orders: list[OrderPlan]) -> None:
    rows = []
    for order in orders:
        status, closed_at = _reservation_state(order)
        rows += [Reservation(stock_id=line.stock.pk, reference=f"order:{order.number}",
                             quantity=line.quantity, status=status, created_at=order.placed_at,
                             closed_at=closed_at) for line in order.lines]
    bulk_insert(Reservation, rows)


def write_aftersales(orders: list[OrderPlan], staff: dict[str, Staff]) -> None:
    pairs = [(o, r) for o in orders for r in o.requests]
    rows = [_request_row(o, r) for o, r in pairs]
    bulk_insert(AftersalesRequest, rows)
    for (_order, request), row in zip(pairs, rows, strict=True):
        request.pk = row.pk
    request_lines = [rl for _o, r in pairs for rl in r.lines]
    line_rows = [AftersalesLine(request_id=r.pk, order_line_id=rl.line.pk, quantity=rl.quantity,
                                disposition=rl.disposition) for _o, r in pairs for rl in r.lines]
    bulk_insert(AftersalesLine, line_rows)
    for plan, row in zip(request_lines, line_rows, strict=True):
        plan.pk = row.pk
    refunded = [(o, r) for o, r in pairs if r.refunded_at is not None]
    refunds = [Refund(order_id=o.pk, request_id=r.pk, amount=r.refund_amount,
                      reason=r.refund_reason[:200], created_at=r.refunded_at,
                      actor=staff["finance"]) for o, r in refunded]
    bulk_insert(Refund, refunds)
    for (_order, request), row in zip(refunded, refunds, strict=True):
        request.refund_pk = row.pk


def _request_row(order: OrderPlan, r) -> AftersalesRequest:
    closed_at = r.refunded_at if r.status == RequestStatus.REFUNDED else (
        r.decided_at if r.status == RequestStatus.REJECTED else None)
    moments = [m for m in (r.requested_at, r.decided_at, r.received_at, r.refunded_at) if m]
    return AftersalesRequest(
        number=r.number, order_id=order.pk, kind=r.kind, reason_code=r.reason_code,
        status=r.status, requested_amount=r.requested_amount, buyer_note=r.buyer_note,
        decision_note=r.decision_note if r.decided_at else "", requested_at=r.requested_at,
        decided_at=r.decided_at, received_at=r.received_at, closed_at=closed_at,
        created_at=r.requested_at, updated_at=max(moments))
