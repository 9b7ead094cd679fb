"""Inventory writes. Every change to a stock row goes through ``_move``, which updates
the row with a conditional UPDATE and appends the matching ledger movement, so the
ledger always explains the figures. A change that takes a row's available units below its
low-stock threshold writes ``stock.low`` (``inventory.events``); only adjustments,
reservations and the stock feed lower them.
"""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.regions import get_province
from zhanggui.inventory import changes, locks, rules
from zhanggui.inventory import events as inventory_events
from zhanggui.inventory.costs import record_landed_cost  # noqa: F401 (re-exported)
from zhanggui.inventory.errors import (
    InsufficientStock,
    InvalidQuantity,
    NegativeStock,
    ReasonRequired,
    ReservationMismatch,
)
from zhanggui.inventory.forecasts import (  # noqa: F401 (re-exported: the forecast action)
    ForecastDay,
    ForecastRecord,
    record_forecasts,
)
from zhanggui.inventory.models import (
    MovementKind,
    Reservation,
    ReservationStatus,
    Stock,
    StockMovement,
    Warehouse,
)


def _apply(stock: Stock, *, kind: str, on_hand_delta: int = 0, reserved_delta: int = 0,
           reason: str, reference: str = "", actor: Staff | None) -> StockMovement:
    """Apply a delta to a stock row the caller has just locked (through ``locks``); return
    its ledger movement, not yet saved.

    The UPDATE is conditional (``on_hand + Δ >= reserved + Δ'`` and ``reserved + Δ' >= 0``):
    if a concurrent change slipped past the lock, nothing is written and the caller's
    transaction is aborted. Under the lock the row's new figures are its old ones plus the
    deltas, so they are not read back.

    Raises:
        NegativeStock: when the change would break ``0 <= reserved <= on_hand``.
    """
    updated = (Stock.objects
               .filter(pk=stock.pk,
                       on_hand__gte=F("reserved") + reserved_delta - on_hand_delta,
                       reserved__gte=-reserved_delta)
               .update(on_hand=F("on_hand") + on_hand_delta,
                       reserved=F("reserved") + reserved_delta, updated_at=timezone.now()))
    if updated != 1:
        raise NegativeStock(sku=stock.sku_id)
    changes.stock_changed((stock.sku_id,))
    stock.on_hand += on_hand_delta
    stock.reserved += reserved_delta
    stock.available = stock.on_hand - stock.reserved
    return StockMovement(
        stock=stock, kind=kind, on_hand_delta=on_hand_delta, reserved_delta=reserved_delta,
        on_hand_after=stock.on_hand, reserved_after=stock.reserved, reason=reason[:200],
        reference=reference, actor=actor, created_at=timezone.now(),
    )


def _move(stock: Stock, **change) -> StockMovement:
    """``_apply`` and save the movement at once."""
    movement = _apply(stock, **change)
    movement.save()
    return movement


def _check_positive(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity()


@transaction.atomic
def receive_stock(sku: Sku, *, warehouse: Warehouse, quantity: int, reason: str,
                  actor: Staff | None, reference: str = "") -> StockMovement:
    """Book an inbound receipt of ``quantity`` units into ``warehouse``.

    Raises:
        InvalidQuantity: when ``quantity`` is not a positive integer.
        ReasonRequired: when ``reason`` is blank.
    """
    _check_positive(quantity)
    if not reason.strip():
        raise ReasonRequired()
    stock = locks.lock_stock(sku.pk, warehouse.pk)
    movement = _move(stock, kind=MovementKind.RECEIVE, on_hand_delta=quantity, reason=reason,
                     reference=reference, actor=actor)
    log_operation(stock, action="inventory.receive_stock", actor=actor,
                  before={"on_hand": stock.on_hand - quantity}, after={"on_hand": stock.on_hand},
                  note=reason)
    return movement


@transaction.atomic
def adjust_stock(sku: Sku, *, warehouse: Warehouse, delta: int, reason: str, actor: Staff | None,
                 kind: str = MovementKind.ADJUST, reference: str = "") -> StockMovement:
    """Correct on-hand stock by ``delta`` (negative for loss or damage) with a reason.

    Raises:
        InvalidQuantity: when ``delta`` is zero or not an integer.
        ReasonRequired: when ``reason`` is blank.
        NegativeStock: when on-hand would fall below what is reserved.
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise InvalidQuantity()
    if not reason.strip():
        raise ReasonRequired()
    if kind not in (MovementKind.ADJUST, MovementKind.COUNT):
        raise ValueError("adjust_stock books adjustments and counts only")
    stock = locks.lock_stock(sku.pk, warehouse.pk)
    before = stock.on_hand
    movement = _move(stock, kind=kind, on_hand_delta=delta, reason=reason, reference=reference,
                     actor=actor)
    inventory_events.stock_low([movement])
    log_operation(stock, action="inventory.adjust_stock", actor=actor,
                  before={"on_hand": before}, after={"on_hand": stock.on_hand}, note=reason)
    return movement


def reserve_stock(demand: Mapping[int, int], *, reference: str, province_code: str,
                  actor: Staff | None, sku_labels: Mapping[int, str] | None = None,
                  ) -> dict[int, Reservation]:
    """Reserve units of several SKUs for ``reference`` (an order), one warehouse per SKU.

    ``demand`` maps SKU id → total units (sum lines of the same SKU first). All stock
    rows of those SKUs are locked in primary-key order. The nearest active warehouse that
    can ship the whole order takes every SKU (``rules.whole_order_warehouse``, by region
    distance), so the order leaves in one parcel; when none can, each SKU is routed to the
    best warehouse with enough available units (``rules.choose_stock``). Each is reserved
    with a conditional UPDATE, so stock is never oversold and never negative.

    Runs in the caller's transaction (an order placement), which keeps the rows locked until
    it commits; every SKU is routed before the first row is changed, so a refusal writes
    nothing, and no savepoint's round trips sit inside the time the rows are locked.

    Returns:
        SKU id → the reservation made for it.

    Raises:
        InvalidQuantity: when a quantity is not positive.
        InsufficientStock: when no warehouse has enough of some SKU (nothing is reserved).
    """
    for quantity in demand.values():
        _check_positive(quantity)
    province = get_province(province_code)
    rows = locks.lock_stocks_of_skus(demand)
    now = timezone.now()
    reservations: dict[int, Reservation] = {}
    movements: list[StockMovement] = []
    active = [row for row in rows if row.warehouse.is_active]
    whole = rules.whole_order_warehouse(
        demand, {(row.sku_id, row.warehouse_id): row.available for row in active},
        {row.warehouse_id: rules.region_distance(row.warehouse.province_code, province_code)
         for row in active})
    chosen_rows: dict[int, Stock] = {}
    for sku_id in sorted(demand):
        quantity = demand[sku_id]
        candidates = [
            rules.Candidate(
                stock_id=row.pk, warehouse_id=row.warehouse_id, available=row.available,
                same_province=row.warehouse.province_code == province_code,
                same_region=bool(province) and _region_of(row.warehouse) == province.group,
            )
            for row in active if row.sku_id == sku_id and whole in (None, row.warehouse_id)
        ]
        chosen = rules.choose_stock(candidates, quantity)
        if chosen is None:
            label = (sku_labels or {}).get(sku_id, str(sku_id))
            raise InsufficientStock(sku=label, requested=quantity,
                                    available=max((c.available for c in candidates), default=0))
        chosen_rows[sku_id] = next(row for row in rows if row.pk == chosen.stock_id)
    for sku_id, stock in chosen_rows.items():
        quantity = demand[sku_id]
        movements.append(_apply(stock, kind=MovementKind.RESERVE, reserved_delta=quantity,
                                reason="order reservation", reference=reference, actor=actor))
        reservations[sku_id] = Reservation(stock=stock, reference=reference, quantity=quantity,
                                           created_at=now)
    # One INSERT each for the ledger and the reservations, whatever the number of SKUs.
    StockMovement.objects.bulk_create(movements)
    inventory_events.stock_low(movements)
    Reservation.objects.bulk_create(reservations.values())
    return reservations


def _region_of(warehouse: Warehouse):
    province = get_province(warehouse.province_code)
    return province.group if province else None


def _close_reservations(reference: str, *, status: str, actor: Staff | None) -> list[Reservation]:
    reservations = list(Reservation.objects.select_for_update()
                        .filter(reference=reference, status=ReservationStatus.ACTIVE)
                        .order_by("stock_id"))
    stocks = locks.lock_stocks(r.stock_id for r in reservations)
    now = timezone.now()
    for reservation in reservations:
        stock = stocks[reservation.stock_id]
        if status == ReservationStatus.RELEASED:
            _move(stock, kind=MovementKind.RELEASE, reserved_delta=-reservation.quantity,
                  reason="reservation released", reference=reference, actor=actor)
        else:
            _move(stock, kind=MovementKind.SHIP, on_hand_delta=-reservation.quantity,
                  reserved_delta=-reservation.quantity, reason="shipped", reference=reference,
                  actor=actor)
        reservation.status, reservation.closed_at = status, now
        reservation.save(update_fields=["status", "closed_at"])
    return reservations


@transaction.atomic
def release_reservations(reference: str, *, actor: Staff | None) -> list[Reservation]:
    """Give back every active reservation of ``reference`` (cancel, timeout). Idempotent."""
    return _close_reservations(reference, status=ReservationStatus.RELEASED, actor=actor)


@transaction.atomic
def consume_reservations(reference: str, *, actor: Staff | None) -> list[Reservation]:
    """Ship the reserved units of ``reference``: they leave on-hand and reserved.

    Raises:
        ReservationMismatch: when ``reference`` has no active reservation.
    """
    reservations = _close_reservations(reference, status=ReservationStatus.CONSUMED, actor=actor)
    if not reservations:
        raise ReservationMismatch(reference=reference)
    return reservations


@transaction.atomic
def restock_return(sku: Sku, *, warehouse: Warehouse, quantity: int, reference: str,
                   actor: Staff | None) -> StockMovement:
    """Put returned, sellable units back on hand."""
    _check_positive(quantity)
    stock = locks.lock_stock(sku.pk, warehouse.pk)
    return _move(stock, kind=MovementKind.RETURN_RESTOCK, on_hand_delta=quantity,
                 reason="return restocked", reference=reference, actor=actor)


# ---- reservations by part: fulfillment ships, splits and re-routes parcels ---------------

Part = tuple[int, int]  # (SKU id, warehouse id)


@transaction.atomic
def reserve_parts(parts: Mapping[Part, int], *, reference: str, actor: Staff | None,
                  sku_labels: Mapping[int, str] | None = None) -> list[Reservation]:
    """Reserve exactly these units at exactly these warehouses for ``reference`` (an order
    whose units were not reserved at placement, or a parcel moved to another warehouse).
    An active reservation of the reference on the same stock row grows.

    Raises:
        InvalidQuantity: a quantity is not positive.
        InsufficientStock: a warehouse lacks the units (nothing is reserved then).
    """
    for quantity in parts.values():
        _check_positive(quantity)
    rows = {(row.sku_id, row.warehouse_id): row
            for row in locks.lock_stocks_of_skus(sku for sku, _warehouse in parts)}
    existing = {r.stock_id: r for r in Reservation.objects.select_for_update().filter(
        reference=reference, status=ReservationStatus.ACTIVE)}
    now, changed, movements = timezone.now(), [], []
    for (sku_id, warehouse_id), quantity in sorted(parts.items()):
        stock = rows.get((sku_id, warehouse_id))
        if stock is None or stock.available < quantity:
            label = (sku_labels or {}).get(sku_id, str(sku_id))
            raise InsufficientStock(sku=label, requested=quantity,
                                    available=stock.available if stock else 0)
        movements.append(_move(stock, kind=MovementKind.RESERVE, reserved_delta=quantity,
                               reason="order reservation", reference=reference, actor=actor))
        reservation = existing.get(stock.pk)
        if reservation is None:
            reservation = Reservation.objects.create(stock=stock, reference=reference,
                                                     quantity=quantity, created_at=now)
            existing[stock.pk] = reservation
        else:
            reservation.quantity += quantity
            reservation.save(update_fields=["quantity"])
        changed.append(reservation)
    inventory_events.stock_low(movements)
    return changed


def _close_parts(parts: Mapping[Part, int], *, reference: str, status: str,
                 actor: Staff | None) -> list[Reservation]:
    """Release or consume these units of ``reference``'s active reservations: a whole
    reservation is closed, a part is split off as a closed row and the rest stays active."""
    active = list(Reservation.objects.select_for_update(of=("self",)).select_related("stock")
                  .filter(reference=reference, status=ReservationStatus.ACTIVE)
                  .order_by("stock_id"))
    by_part = {(r.stock.sku_id, r.stock.warehouse_id): r for r in active}
    for part, quantity in parts.items():
        _check_positive(quantity)
        if part not in by_part or by_part[part].quantity < quantity:
            raise ReservationMismatch(reference=reference)
    stocks = locks.lock_stocks(by_part[part].stock_id for part in parts)
    now, closed = timezone.now(), []
    for part, quantity in sorted(parts.items()):
        reservation = by_part[part]
        stock = stocks[reservation.stock_id]
        if status == ReservationStatus.RELEASED:
            _move(stock, kind=MovementKind.RELEASE, reserved_delta=-quantity,
                  reason="reservation released", reference=reference, actor=actor)
        else:
            _move(stock, kind=MovementKind.SHIP, on_hand_delta=-quantity,
                  reserved_delta=-quantity, reason="shipped", reference=reference, actor=actor)
        if reservation.quantity == quantity:
            reservation.status, reservation.closed_at = status, now
            reservation.save(update_fields=["status", "closed_at"])
            closed.append(reservation)
        else:
            reservation.quantity -= quantity
            reservation.save(update_fields=["quantity"])
            closed.append(Reservation.objects.create(
                stock=stock, reference=reference, quantity=quantity, status=status,
                created_at=reservation.created_at, closed_at=now))
    return closed


@transaction.atomic
def release_parts(parts: Mapping[Part, int], *, reference: str,
                  actor: Staff | None) -> list[Reservation]:
    """Give back these reserved units of ``reference`` (a parcel re-routed elsewhere).

    Raises:
        ReservationMismatch: the reference has fewer units reserved there.
    """
    return _close_parts(parts, reference=reference, status=ReservationStatus.RELEASED, actor=actor)


@transaction.atomic
def consume_parts(parts: Mapping[Part, int], *, reference: str,
                  actor: Staff | None) -> list[Reservation]:
    """Ship these reserved units of ``reference`` (one parcel of an order): they leave
    on-hand and reserved.

    Raises:
        ReservationMismatch: the reference has fewer units reserved there.
    """
    return _close_parts(parts, reference=reference, status=ReservationStatus.CONSUMED, actor=actor)
