"""Drop-ship supplier orders (一件代发): a parcel left at a supplier's drop-ship warehouse is
an order to that supplier, who accepts it, ships it to the buyer and reports the tracking
number, which ships the parcel (and its orders) as any parcel.

``sync_supplier_orders`` is called wherever parcels are made or changed (allocation, merge,
split, cancelled orders taken out): it opens the missing supplier orders, cancels those whose
parcel was cancelled and re-prices those whose parcel's lines changed. Idempotent, a few bulk
queries whatever the number of parcels.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.money import to_money
from zhanggui.fulfillment.dropship_kinds import DROPSHIP_COST_MISSING
from zhanggui.fulfillment.errors import NotSupplierAccount, SupplierOrderClosed
from zhanggui.fulfillment.models import (
    FulfillmentPolicy,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    SupplierOrder,
    SupplierOrderStatus,
)
from zhanggui.inventory.models import WarehouseKind
from zhanggui.suppliers import queries_dropship as supplier_queries
from zhanggui.tasks import actions as task_actions

OPEN_PARCEL = (ShipmentStatus.PENDING, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
OPEN = (SupplierOrderStatus.NEW, SupplierOrderStatus.ACCEPTED)


def supplier_order_number(day, sequence: int) -> str:
    """DS- + yyyymmdd + a four-digit sequence of the day: DS-20261206-0001."""
    return f"DS-{day:%Y%m%d}-{sequence:04d}"


def _numbers(count: int, now: datetime) -> list[str]:
    """``count`` new numbers of today, given under the fulfillment policy row's lock (as wave
    numbers are), so two allocations never give the same one."""
    FulfillmentPolicy.objects.get_or_create(pk=1)
    list(FulfillmentPolicy.objects.select_for_update().filter(pk=1).values_list("pk"))
    day = timezone.localdate(now)
    prefix = supplier_order_number(day, 0)[:-4]
    used = [int(n[len(prefix):]) for n in SupplierOrder.objects.filter(number__startswith=prefix)
            .values_list("number", flat=True) if n[len(prefix):].isdigit()]
    first = max(used, default=0) + 1
    return [supplier_order_number(day, first + i) for i in range(count)]


def _costs(parcel_lines: dict[int, list[tuple[int, int]]], supplier_of: dict[int, int]):
    """Per parcel: the drop-ship cost (Σ the supplier's unit cost × units) and the SKUs
    without a supplier item (priced at the SKU's own cost)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for parcel_id, lines in parcel_lines.items():
        wanted[supplier_of[parcel_id]].update(sku for sku, _units in lines)
    prices = {supplier: supplier_queries.item_costs(supplier, skus)
              for supplier, skus in wanted.items()}
    all_skus = {sku for skus in wanted.values() for sku in skus}
    fallback = dict(Sku.objects.filter(pk__in=all_skus).values_list("pk", "cost_amount"))
    result = {}
    for parcel_id, lines in parcel_lines.items():
        known = prices[supplier_of[parcel_id]]
        missing = sorted({sku for sku, _units in lines if sku not in known})
        total = sum((known.get(sku, fallback.get(sku, Decimal("0"))) * units
                     for sku, units in lines), Decimal("0"))
        result[parcel_id] = (to_money(total), missing)
    return result


@transaction.atomic
def sync_supplier_orders(shipments: Iterable[Shipment | int], *,
                         actor: Staff | None) -> list[SupplierOrder]:
    """Bring the supplier orders of these parcels in line with them: a parcel waiting at a
    supplier's drop-ship warehouse gets its supplier order (once), a cancelled parcel's open
    supplier order is cancelled, an open supplier order whose parcel's lines changed (merge,
    split) is re-priced. A SKU the supplier has no item for is priced at the SKU's cost and
    opens a ``dropship_cost_missing`` task for finance. Returns the supplier orders opened.
    """
    ids = {s if isinstance(s, int) else s.pk for s in shipments}
    parcels = list(Shipment.objects.filter(pk__in=ids, warehouse__kind=WarehouseKind.DROP_SHIP)
                   .only("pk", "status", "warehouse_id", "order_id"))
    if not parcels:
        return []
    existing = {so.shipment_id: so for so in
                SupplierOrder.objects.select_for_update().filter(shipment__in=parcels)}
    suppliers = supplier_queries.suppliers_for_warehouses({p.warehouse_id for p in parcels})
    _cancel([existing[p.pk] for p in parcels
             if p.status == ShipmentStatus.CANCELLED and p.pk in existing
             and existing[p.pk].status in OPEN], actor)
    live = [p for p in parcels if p.status in OPEN_PARCEL and (
        (p.pk in existing and existing[p.pk].status in OPEN)
        or (p.pk not in existing and p.warehouse_id in suppliers))]
    if not live:
        return []
    lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for parcel_id, sku_id, units in (ShipmentLine.objects.filter(shipment__in=live)
                                     .values_list("shipment_id", "sku_id", "quantity")):
        lines[parcel_id].append((sku_id, units))
    supplier_of = {p.pk: existing[p.pk].supplier_id if p.pk in existing
                   else suppliers[p.warehouse_id].pk for p in live}
    costs = _costs({p.pk: lines[p.pk] for p in live}, supplier_of)
    _reprice([existing[p.pk] for p in live if p.pk in existing], costs, actor)
    new = [p for p in live if p.pk not in existing]
    if not new:
        return []
    now = timezone.now()
    created = SupplierOrder.objects.bulk_create([
        SupplierOrder(number=number, shipment_id=p.pk, supplier_id=supplier_of[p.pk],
                      cost_amount=costs[p.pk][0], created_at=now, updated_at=now)
        for p, number in zip(new, _numbers(len(new), now), strict=True)])
    created = list(SupplierOrder.objects.filter(shipment__in=new).select_related("supplier"))
    for order in created:
        log_operation(order, action="fulfillment.open_supplier_order", actor=actor,
                      after={"number": order.number, "parcel": order.shipment_id,
                             "supplier": order.supplier.code, "cost": str(order.cost_amount)})
        _flag_missing_costs(order, costs[order.shipment_id][1], actor)
    return created


def _cancel(orders: list[SupplierOrder], actor: Staff | None) -> None:
    for order in orders:
        before = order.status
        order.status = SupplierOrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        log_operation(order, action="fulfillment.cancel_supplier_order", actor=actor,
                      before={"status": before}, after={"status": order.status},
                      note=_("The parcel was cancelled."))


def _reprice(orders: list[SupplierOrder], costs, actor: Staff | None) -> None:
    for order in orders:
        cost, missing = costs[order.shipment_id]
        if cost == order.cost_amount:
            continue
        before = order.cost_amount
        order.cost_amount = cost
        order.save(update_fields=["cost_amount", "updated_at"])
        log_operation(order, action="fulfillment.reprice_supplier_order", actor=actor,
                      before={"cost": str(before)}, after={"cost": str(cost)})
        _flag_missing_costs(order, missing, actor)


def _flag_missing_costs(order: SupplierOrder, sku_ids: list[int], actor: Staff | None) -> None:
    if not sku_ids:
        return
    codes = ", ".join(Sku.objects.filter(pk__in=sku_ids).order_by("code")
                      .values_list("code", flat=True))
    task_actions.open_task(
        DROPSHIP_COST_MISSING, subject=order, actor=actor,
        title=_("Supplier order %(number)s: no supplier price for %(skus)s")
        % {"number": order.number, "skus": codes},
        detail=_("The drop-ship cost was taken from the SKU's own cost. Enter the supplier's "
                 "price of these SKUs (supplier items) so profit is right."))


# ---- the supplier's side ---------------------------------------------------------------------

def check_account(order: SupplierOrder, actor: Staff | None) -> None:
    """A supplier account may act on its own suppliers' orders only.

    Raises:
        NotSupplierAccount: ``actor`` works for another supplier.
    """
    if actor is None or not supplier_queries.is_supplier_account(actor):
        return
    if order.supplier_id not in supplier_queries.account_supplier_ids(actor):
        raise NotSupplierAccount(number=order.number)


def _check_open(order: SupplierOrder) -> None:
    if order.status not in OPEN:
        raise SupplierOrderClosed(number=order.number, status=order.get_status_display())


@transaction.atomic
def accept_supplier_orders(orders: Iterable[SupplierOrder], *, actor: Staff | None) -> int:
    """The supplier saw these new orders and will ship them. Orders accepted before are left
    as they are. Returns how many were accepted now.

    Raises:
        NotSupplierAccount: an order belongs to another supplier than the actor's.
        SupplierOrderClosed: an order is shipped or cancelled (nothing is accepted then).
    """
    ids = sorted({order.pk for order in orders})
    locked = list(SupplierOrder.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for order in locked:
        check_account(order, actor)
        _check_open(order)
    now, accepted = timezone.now(), 0
    for order in locked:
        if order.status != SupplierOrderStatus.NEW:
            continue
        order.status, order.accepted_at = SupplierOrderStatus.ACCEPTED, now
        order.save(update_fields=["status", "accepted_at", "updated_at"])
        log_operation(order, action="fulfillment.accept_supplier_order", actor=actor,
                      before={"status": SupplierOrderStatus.NEW}, after={"status": order.status})
        accepted += 1
    return accepted


def ship_supplier_order(order: SupplierOrder, *, carrier: str, tracking_number: str,
                        actor: Staff | None) -> SupplierOrder:
    """The supplier shipped the order: its parcel ships with this carrier and tracking number
    through ``shipping.ship_shipment`` (the stock reserved at the drop-ship warehouse leaves,
    the sales orders move to shipped once all their parcels have left, and
    ``parcel_shipped`` marks this order shipped).

    Sales orders cancelled since (refunded in full before they left) are first taken out of
    their parcels, in a transaction of their own, so a cancelled one is refused and stays
    cancelled.

    Raises:
        NotSupplierAccount: the order belongs to another supplier than the actor's.
        SupplierOrderClosed: the order is shipped or cancelled (its sales order was cancelled).
        TrackingNumberRequired: blank carrier or tracking number.
        DuplicateTrackingNumber: the carrier's tracking number belongs to another parcel.
    """
    from zhanggui.fulfillment import allocation, shipping

    check_account(order, actor)
    allocation.drop_cancelled_orders(actor=actor)
    with transaction.atomic():
        order = SupplierOrder.objects.select_for_update().get(pk=order.pk)
        _check_open(order)
        shipping.ship_shipment(order.shipment, carrier=carrier,
                               tracking_number=(tracking_number or "").strip(), actor=actor)
        order.refresh_from_db()
        return order


def parcel_shipped(parcel: Shipment, *, actor: Staff | None) -> None:
    """The parcel left (reported by its supplier, or shipped by staff): its open supplier
    order is shipped too. Called by ``shipping.ship_shipment`` inside its transaction."""
    order = SupplierOrder.objects.select_for_update().filter(shipment=parcel, status__in=OPEN).first()
    if order is None:
        return
    before = order.status
    order.status, order.shipped_at = SupplierOrderStatus.SHIPPED, parcel.shipped_at
    order.accepted_at = order.accepted_at or parcel.shipped_at
    order.save(update_fields=["status", "shipped_at", "accepted_at", "updated_at"])
    log_operation(order, action="fulfillment.ship_supplier_order", actor=actor,
                  before={"status": before},
                  after={"status": order.status, "carrier": parcel.carrier,
                         "tracking_number": parcel.tracking_number})


@transaction.atomic
def mark_supplier_orders_exported(orders: Iterable[SupplierOrder], *, actor: Staff | None) -> int:
    """Note that these orders were exported (the supplier's CSV), logging the export: the file
    holds recipients' names, phones and addresses."""
    ids = sorted({order.pk for order in orders})
    if not ids:
        return 0
    now = timezone.now()
    SupplierOrder.objects.filter(pk__in=ids).update(exported_at=now, updated_at=now)
    first = SupplierOrder.objects.get(pk=ids[0])
    log_operation(first, action="fulfillment.export_supplier_orders", actor=actor,
                  after={"orders": len(ids)})
    return len(ids)


@transaction.atomic
def log_recipient_view(order: SupplierOrder, *, actor: Staff | None) -> None:
    """Record that ``actor`` saw the recipient's full name, phone and address of ``order``."""
    log_operation(order, action="fulfillment.view_supplier_order_recipient", actor=actor,
                  after={"number": order.number})
