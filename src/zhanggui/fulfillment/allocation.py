"""Parcels from reviewed orders: routing, merge and split.

A reviewed order's units become parcels on the warehouses that hold their reservations
(placement already chose the nearest warehouse able to ship the whole order, see
``inventory.actions.reserve_stock``). Units not reserved at placement — imported orders —
are reserved now, at the nearest warehouse able to take them all, else per the shop's
split policy. Merging and splitting move parcel lines only: the sales orders, their amounts,
discount shares and refunds never change, and reservations change only when a parcel moves
to another warehouse.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.fulfillment import dropship, queries, rules
from zhanggui.fulfillment.errors import CannotMerge, InvalidSplit, ParcelNotWaiting
from zhanggui.fulfillment.models import (
    RoutingReason,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    SplitPolicy,
)
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory import rules as inventory_rules
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Reservation, ReservationStatus, Stock, Warehouse, WarehouseKind
from zhanggui.orders.actions import reservation_reference
from zhanggui.orders.models import Order, OrderLine, OrderStatus

WAITING = (ShipmentStatus.PENDING,)
OPEN = (ShipmentStatus.PENDING, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
NOT_CANCELLED = ~Q(shipment__status=ShipmentStatus.CANCELLED)


# ---- allocation ------------------------------------------------------------------------------

def allocate_orders(orders: Iterable[Order] | None = None, *, actor: Staff | None) -> int:
    """Give every reviewed order's units that are in no parcel yet a pending parcel (after
    taking cancelled orders out of the parcels still in the warehouse). Returns the parcels
    created. Orders another process is allocating are skipped (their rows are locked), so
    two runs never place the same units twice."""
    drop_cancelled_orders(actor=actor)
    with transaction.atomic():
        candidates = Order.objects.filter(status=OrderStatus.REVIEWED)
        if orders is not None:
            candidates = candidates.filter(pk__in=[order.pk for order in orders])
        locked = list(candidates.select_for_update(skip_locked=True).order_by("pk")
                      .only("pk", "number", "customer_id", "province_code"))
        return _Allocator(locked, actor).run()


class _Allocator:
    """One allocation run over locked orders: a few bulk reads, then bulk writes."""

    def __init__(self, orders: list[Order], actor: Staff | None):
        self.orders = {order.pk: order for order in orders}
        self.actor = actor
        self.policy = queries.fulfillment_policy()
        self.warehouses = {w.pk: w for w in Warehouse.objects.all()}

    def run(self) -> int:
        open_lines = self._open_lines()
        if not open_lines:
            return 0
        orders = [self.orders[pk] for pk in sorted(open_lines)]
        active, held = self._reserved(orders)
        created: list[tuple[Shipment, rules.ParcelPlan]] = []
        for order in orders:
            reference = reservation_reference(order)
            free = rules.free_reserved(active.get(reference, {}), held.get(order.pk, {}))
            plan = rules.plan_parcels(open_lines[order.pk], free)
            reason = (RoutingReason.WHOLE if len(plan.parcels) <= 1
                      else RoutingReason.SPLIT_RESERVED)
            created += [(self._parcel(order, p.warehouse_id, reason), p) for p in plan.parcels]
            if plan.unplaced:
                created += self._reserve_unplaced(order, open_lines[order.pk], plan.unplaced)
        if not created:
            return 0
        Shipment.objects.bulk_create([shipment for shipment, _plan in created])
        ShipmentLine.objects.bulk_create([
            ShipmentLine(shipment=shipment, order_line_id=line_id, sku_id=plan.skus[line_id],
                         quantity=units)
            for shipment, plan in created for line_id, units in plan.lines.items()])
        if self.policy.auto_merge:
            self._merge_new(created)
        dropship.sync_supplier_orders([shipment for shipment, _plan in created], actor=self.actor)
        log_operation(created[0][0], action="fulfillment.allocate_orders", actor=self.actor,
                      after={"orders": len({s.order_id for s, _p in created}),
                             "parcels": len(created)})
        return len(created)

    def _open_lines(self) -> dict[int, list[rules.OpenLine]]:
        """Per order, its lines' units in no (not cancelled) parcel."""
        placed = dict(ShipmentLine.objects.filter(NOT_CANCELLED, order_line__order_id__in=self.orders)
                      .values("order_line_id").annotate(units=Sum("quantity"))
                      .values_list("order_line_id", "units"))
        result: dict[int, list[rules.OpenLine]] = defaultdict(list)
        for line_id, order_id, sku_id, quantity in (
                OrderLine.objects.filter(order_id__in=self.orders)
                .values_list("pk", "order_id", "sku_id", "quantity").order_by("pk")):
            remaining = quantity - placed.get(line_id, 0)
            if remaining > 0:
                result[order_id].append(rules.OpenLine(line_id, sku_id, remaining))
        return result

    def _reserved(self, orders: list[Order]):
        """Active reservations per order reference and part, and the units of each order's
        waiting parcels per part."""
        active: dict[str, dict[rules.Part, int]] = defaultdict(lambda: defaultdict(int))
        for reference, sku_id, warehouse_id, quantity in (
                Reservation.objects.filter(reference__in=[reservation_reference(o) for o in orders],
                                           status=ReservationStatus.ACTIVE)
                .values_list("reference", "stock__sku_id", "stock__warehouse_id", "quantity")):
            active[reference][(sku_id, warehouse_id)] += quantity
        held: dict[int, dict[rules.Part, int]] = defaultdict(lambda: defaultdict(int))
        for order_id, sku_id, warehouse_id, quantity in (
                ShipmentLine.objects.filter(order_line__order_id__in=[o.pk for o in orders],
                                            shipment__status__in=OPEN)
                .values_list("order_line__order_id", "sku_id", "shipment__warehouse_id",
                             "quantity")):
            held[order_id][(sku_id, warehouse_id)] += quantity
        return active, held

    def _parcel(self, order: Order, warehouse_id: int, reason: str) -> Shipment:
        if self.warehouses[warehouse_id].kind == WarehouseKind.DROP_SHIP:
            reason = RoutingReason.DROP_SHIP
        return Shipment(order_id=order.pk, warehouse_id=warehouse_id, routing_reason=reason,
                        status=ShipmentStatus.PENDING)

    def _reserve_unplaced(self, order: Order, lines: list[rules.OpenLine],
                          unplaced: dict[int, int]) -> list[tuple[Shipment, rules.ParcelPlan]]:
        """Reserve units no reservation covers (imported orders): the nearest warehouse able
        to take them all; else, under the split policy, what each SKU's nearest stocked
        warehouse has now (the rest waits for the next run)."""
        demand: dict[int, int] = defaultdict(int)
        sku_of = {line.line_id: line.sku_id for line in lines}
        for line_id, units in unplaced.items():
            demand[sku_of[line_id]] += units
        stocks = list(Stock.objects.filter(sku_id__in=demand, warehouse__is_active=True)
                      .values_list("sku_id", "warehouse_id", "available"))
        available = {(sku, warehouse): units for sku, warehouse, units in stocks}
        distances = {warehouse: inventory_rules.region_distance(
            self.warehouses[warehouse].province_code, order.province_code)
            for _sku, warehouse, _units in stocks}
        whole = inventory_rules.whole_order_warehouse(demand, available, distances)
        if whole is not None:
            parts = {(sku, whole): units for sku, units in demand.items()}
            reason = RoutingReason.WHOLE
        elif self.policy.split_policy == SplitPolicy.SPLIT:
            parts = _what_is_there(demand, available, distances)
            reason = RoutingReason.SPLIT_STOCK
        else:
            return []
        if not parts:
            return []
        try:
            with transaction.atomic():
                inventory_actions.reserve_parts(parts, reference=reservation_reference(order),
                                                actor=self.actor)
        except InsufficientStock:
            return []  # taken meanwhile: the next run tries again
        plan = rules.plan_parcels([rules.OpenLine(line_id, sku_of[line_id], units)
                                   for line_id, units in unplaced.items()], parts)
        return [(self._parcel(order, p.warehouse_id, reason), p) for p in plan.parcels]

    def _merge_new(self, created) -> None:
        """Under the auto-merge policy each new parcel joins the oldest waiting parcel of the
        same buyer, address and warehouse (the merged parcel keeps the older id)."""
        for shipment, _plan in created:
            if not Shipment.objects.filter(pk=shipment.pk, status=ShipmentStatus.PENDING).exists():
                continue  # merged into an earlier parcel of this run
            partner = _merge_partner(shipment)
            if partner is not None:
                merge_shipments([partner, shipment], actor=self.actor)


def _what_is_there(demand: dict[int, int], available: dict[rules.Part, int],
                   distances: dict[int, int]) -> dict[rules.Part, int]:
    """Per SKU, the units the nearest warehouse with any stock has now (at most the demand)."""
    parts = {}
    for sku, units in demand.items():
        stocked = [w for (s, w), free in available.items() if s == sku and free > 0]
        if stocked:
            warehouse = min(stocked, key=lambda w: (distances[w], w))
            parts[(sku, warehouse)] = min(units, available[(sku, warehouse)])
    return parts


@transaction.atomic
def drop_cancelled_orders(*, actor: Staff | None) -> int:
    """Take the lines of cancelled orders (a paid order refunded in full before it left)
    out of the parcels still in the warehouse; a parcel left empty is cancelled (its lines
    stay, for the record). The orders' reservations were released by the cancellation.
    Returns the parcels changed."""
    stale = (ShipmentLine.objects.filter(shipment__status__in=OPEN,
                                         order_line__order__status=OrderStatus.CANCELLED)
             .values_list("pk", "shipment_id"))
    by_parcel: dict[int, list[int]] = defaultdict(list)
    for line_id, parcel_id in stale:
        by_parcel[parcel_id].append(line_id)
    if not by_parcel:
        return 0
    for parcel in Shipment.objects.select_for_update().filter(pk__in=by_parcel).order_by("pk"):
        lines = by_parcel[parcel.pk]
        if parcel.lines.exclude(pk__in=lines).exists():
            ShipmentLine.objects.filter(pk__in=lines).delete()
            parcel.save(update_fields=["updated_at"])  # the warehouse re-reads its lines
            change = {"lines_removed": len(lines)}
        else:
            parcel.status = ShipmentStatus.CANCELLED
            parcel.save(update_fields=["status", "updated_at"])
            change = {"status": ShipmentStatus.CANCELLED}
        log_operation(parcel, action="fulfillment.drop_cancelled_orders", actor=actor,
                      after=change)
    dropship.sync_supplier_orders(by_parcel, actor=actor)
    return len(by_parcel)


# ---- merge --------------------------------------------------------------------------------

def _key(order: Order) -> tuple:
    return rules.address_key(customer_id=order.customer_id, name=order.recipient_name,
                             phone=order.recipient_phone, province_code=order.province_code,
                             city=order.city, district=order.district, street=order.address_detail)


def _merge_partner(shipment: Shipment) -> Shipment | None:
    order = Order.objects.get(pk=shipment.order_id)
    others = (Shipment.objects.filter(status=ShipmentStatus.PENDING, wave__isnull=True,
                                      warehouse_id=shipment.warehouse_id,
                                      order__customer_id=order.customer_id)
              .exclude(pk=shipment.pk).select_related("order").order_by("pk"))
    return next((other for other in others if _key(other.order) == _key(order)), None)


def merge_candidates(*, warehouse: Warehouse | None = None, limit: int = 200) -> list[list[Shipment]]:
    """Groups of waiting parcels (two or more) of the same buyer and address in the same
    warehouse: the merges to suggest."""
    waiting = Shipment.objects.filter(status=ShipmentStatus.PENDING, wave__isnull=True)
    if warehouse is not None:
        waiting = waiting.filter(warehouse=warehouse)
    repeat = (waiting.values("order__customer_id", "warehouse_id")
              .annotate(n=Count("pk")).filter(n__gt=1).values_list("order__customer_id", flat=True))
    groups: dict[tuple, list[Shipment]] = defaultdict(list)
    for shipment in (waiting.filter(order__customer_id__in=list(repeat[:limit * 2]))
                     .select_related("order").order_by("pk")):
        groups[(shipment.warehouse_id, *_key(shipment.order))].append(shipment)
    return [group for group in groups.values() if len(group) > 1][:limit]


@transaction.atomic
def merge_shipments(shipments: Iterable[Shipment], *, actor: Staff | None) -> Shipment:
    """Merge waiting parcels of the same buyer and address in one warehouse into the first
    (lowest id): their lines move there, the emptied parcels are cancelled.

    Raises:
        ParcelNotWaiting: a parcel is already in a wave, packed or shipped.
        CannotMerge: fewer than two parcels, other warehouses, buyers or addresses.
    """
    ids = sorted({shipment.pk for shipment in shipments})
    parcels = list(Shipment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(parcels) < 2:
        raise CannotMerge(reason=_reason("two"))
    for parcel in parcels:
        _check_waiting(parcel)
    orders = {o.pk: o for o in Order.objects.filter(pk__in={p.order_id for p in parcels})}
    if len({p.warehouse_id for p in parcels}) > 1:
        raise CannotMerge(reason=_reason("warehouse"))
    if len({_key(orders[p.order_id]) for p in parcels}) > 1:
        raise CannotMerge(reason=_reason("address"))
    target, others = parcels[0], parcels[1:]
    kept = {line.order_line_id: line for line in target.lines.all()}
    for line in ShipmentLine.objects.filter(shipment__in=others).order_by("pk"):
        if line.order_line_id in kept:
            kept[line.order_line_id].quantity += line.quantity
            kept[line.order_line_id].save(update_fields=["quantity"])
            line.delete()
        else:
            line.shipment = target
            line.save(update_fields=["shipment"])
            kept[line.order_line_id] = line
    # The emptied parcels stay, cancelled, for the record (the log names them, and the
    # analytics warehouse, which reads changed rows, sees them leave).
    Shipment.objects.filter(pk__in=[p.pk for p in others]).update(
        status=ShipmentStatus.CANCELLED, routing_reason=RoutingReason.MERGED,
        updated_at=timezone.now())
    target.routing_reason = RoutingReason.MERGED
    target.save(update_fields=["routing_reason", "updated_at"])
    log_operation(target, action="fulfillment.merge_shipments", actor=actor,
                  after={"merged": [p.pk for p in others],
                         "orders": sorted(o.number for o in orders.values())})
    dropship.sync_supplier_orders(parcels, actor=actor)
    return target


def _reason(code: str) -> str:
    from django.utils.translation import gettext as _

    return {"two": _("choose at least two parcels"),
            "warehouse": _("they leave from different warehouses"),
            "address": _("they go to different buyers or addresses")}[code]


def _check_waiting(parcel: Shipment) -> None:
    if parcel.status not in WAITING or parcel.wave_id is not None:
        raise ParcelNotWaiting(parcel=parcel.pk, status=parcel.get_status_display())


# ---- split --------------------------------------------------------------------------------

@transaction.atomic
def split_shipment(shipment: Shipment, *, quantities: dict[int, int], actor: Staff | None,
                   warehouse: Warehouse | None = None) -> Shipment:
    """Move ``quantities`` (shipment line id → units) of a waiting parcel to a new parcel,
    in the same warehouse (ship what is ready now, the rest later) or in ``warehouse`` —
    then the moved units' reservations move there too.

    Raises:
        ParcelNotWaiting: the parcel is in a wave, packed or shipped.
        InvalidSplit: unknown lines, bad quantities, or nothing left behind.
        InsufficientStock: ``warehouse`` lacks the units (nothing changes).
    """
    parcel = Shipment.objects.select_for_update().get(pk=shipment.pk)
    _check_waiting(parcel)
    lines = {line.pk: line for line in parcel.lines.select_related("order_line__order")}
    try:
        stay, move = rules.split_quantities({pk: line.quantity for pk, line in lines.items()},
                                            quantities)
    except ValueError:
        raise InvalidSplit() from None
    target = warehouse.pk if warehouse is not None else parcel.warehouse_id
    if target != parcel.warehouse_id:
        _move_reservations(parcel, [(lines[pk], units) for pk, units in move.items()], target, actor)
    new = Shipment.objects.create(order_id=lines[next(iter(move))].order_line.order_id,
                                  warehouse_id=target, status=ShipmentStatus.PENDING,
                                  routing_reason=RoutingReason.MANUAL_SPLIT)
    for pk, line in lines.items():
        if pk in move:
            ShipmentLine.objects.create(shipment=new, order_line_id=line.order_line_id,
                                        sku_id=line.sku_id, quantity=move[pk])
        if pk not in stay:
            line.delete()
        elif stay[pk] != line.quantity:
            line.quantity = stay[pk]
            line.save(update_fields=["quantity"])
    parcel.save(update_fields=["updated_at"])  # the analytics warehouse re-reads its lines
    log_operation(new, action="fulfillment.split_shipment", actor=actor,
                  after={"from": parcel.pk, "warehouse": target,
                         "lines": {str(lines[pk].order_line_id): units for pk, units in move.items()}})
    dropship.sync_supplier_orders([parcel, new], actor=actor)
    return new


def _move_reservations(parcel: Shipment, moved, warehouse_id: int, actor: Staff | None) -> None:
    by_order: dict[Order, dict[rules.Part, int]] = defaultdict(lambda: defaultdict(int))
    for line, units in moved:
        by_order[line.order_line.order][(line.sku_id, parcel.warehouse_id)] += units
    for order, parts in by_order.items():
        reference = reservation_reference(order)
        inventory_actions.release_parts(parts, reference=reference, actor=actor)
        inventory_actions.reserve_parts({(sku, warehouse_id): units for (sku, _w), units in parts.items()},
                                        reference=reference, actor=actor)

