"""Pick waves (波次): pending parcels of reviewed orders grouped by warehouse, carrier and
single-item vs multi-item, cut at the shop's wave size; the wave's pick list walked in bin
order; picked, a parcel taken out, a wave cancelled.

Two waves built at the same moment never take the same parcel: the candidate rows are
locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a second builder skips the parcels the
first holds and takes the others) and each wave takes its parcels with a conditional
``UPDATE … WHERE status = 'pending' AND wave_id IS NULL`` whose row count must match.
Wave numbers are given under the policy row's lock, so they never collide either.
Everything is a handful of bulk queries, whatever the number of parcels.
"""

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import Conflict, InvalidTransition, NotFound
from zhanggui.core.singletons import lock_singleton
from zhanggui.fulfillment import allocation, queries
from zhanggui.fulfillment import rules_warehouse as rules
from zhanggui.fulfillment.models import (
    CarrierService,
    FulfillmentPolicy,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    Wave,
    WaveStatus,
)
from zhanggui.inventory.models import Stock, Warehouse, WarehouseKind
from zhanggui.orders.models import OrderStatus

PickRow = rules.PickRow


class WaveChanged(Conflict):
    code = "wave_conflict"
    default_message = _("Some parcels changed while the waves were being built; try again.")


class NotInWave(Conflict):
    code = "not_in_wave"
    default_message = _("Parcel %(shipment)s is not waiting to be picked in a wave.")


class WaveHasPackedParcels(Conflict):
    code = "wave_has_packed_parcels"
    default_message = _("Wave %(wave)s has packed parcels; unpack them or take them out first.")


def _candidates(*, warehouse: Warehouse | None, cutoff_at: datetime | None) -> QuerySet:
    qs = (Shipment.objects
          .filter(status=ShipmentStatus.PENDING, wave__isnull=True,
                  order__status=OrderStatus.REVIEWED)
          .exclude(warehouse__kind=WarehouseKind.DROP_SHIP))
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if cutoff_at is not None:
        qs = qs.filter(order__paid_at__lt=cutoff_at)
    return qs


def _default_carrier() -> str:
    return (CarrierService.objects.filter(is_default=True)
            .values_list("carrier", flat=True).first() or "")


def _numbers(count: int, now: datetime) -> list[str]:
    """``count`` new wave numbers of today, given under the policy row's lock."""
    lock_singleton(FulfillmentPolicy)
    day = timezone.localdate(now)
    used = Wave.objects.filter(number__startswith=rules.wave_number_prefix(day)).values_list(
        "number", flat=True)
    first = rules.next_wave_sequence(used, day)
    return [rules.wave_number(day, first + i) for i in range(count)]


@transaction.atomic
def _build(*, warehouse, carrier, kind, cutoff_at, max_parcels, actor) -> list[Wave]:
    size = queries.fulfillment_policy().wave_size
    candidates = (_candidates(warehouse=warehouse, cutoff_at=cutoff_at)
                  .select_for_update(skip_locked=True, of=("self",))
                  .order_by("order__paid_at", "id")
                  .values_list("id", "warehouse_id", "carrier", "service__carrier"))
    rows = list(candidates[:max_parcels] if max_parcels else candidates)
    if not rows:
        return []
    units = dict(ShipmentLine.objects
                 .filter(shipment__in=_candidates(warehouse=warehouse, cutoff_at=cutoff_at))
                 .values("shipment_id").annotate(units=Sum("quantity"))
                 .values_list("shipment_id", "units"))
    default_carrier = _default_carrier()
    groups: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for shipment_id, warehouse_id, own_carrier, service_carrier in rows:
        parcel_carrier = own_carrier or service_carrier or default_carrier
        parcel_kind = rules.wave_kind(units.get(shipment_id, 0))
        if (carrier and parcel_carrier != carrier) or (kind and parcel_kind != kind):
            continue
        groups[(warehouse_id, parcel_carrier, parcel_kind)].append(shipment_id)
    plan = [(key, chunk) for key, ids in sorted(groups.items())
            for chunk in rules.chunks(ids, size)]
    if not plan:
        return []
    now = timezone.now()
    numbers = _numbers(len(plan), now)
    waves = Wave.objects.bulk_create([
        Wave(number=number, warehouse_id=warehouse_id, carrier=wave_carrier, kind=wave_kind,
             cutoff_at=cutoff_at, created_by=actor, created_at=now, updated_at=now)
        for number, ((warehouse_id, wave_carrier, wave_kind), _ids) in zip(numbers, plan,
                                                                              strict=True)])
    if any(wave.pk is None for wave in waves):  # backends that return no ids on bulk insert
        waves = list(Wave.objects.filter(number__in=numbers).order_by("number"))
    for wave, (_key, ids) in zip(waves, plan, strict=True):
        taken = (Shipment.objects
                 .filter(pk__in=ids, status=ShipmentStatus.PENDING, wave__isnull=True)
                 .update(status=ShipmentStatus.PICKING, wave=wave, updated_at=now))
        if taken != len(ids):
            raise WaveChanged()
        log_operation(wave, action="fulfillment.build_wave", actor=actor,
                      after={"warehouse": wave.warehouse_id, "carrier": wave.carrier,
                             "kind": wave.kind, "parcels": len(ids),
                             "cutoff_at": cutoff_at.isoformat() if cutoff_at else None})
    return waves


def build_waves(*, warehouse: Warehouse | None = None, carrier: str | None = None,
                kind: str | None = None, cutoff_at: datetime | None = None,
                max_parcels: int | None = None, actor: Staff | None) -> list[Wave]:
    """Put the pending parcels of reviewed orders (not drop-ship, not in a wave) into waves:
    one per warehouse, carrier (the parcel's, or its service's, or the shop default's) and
    kind (single-item or multi-item parcel), orders paid before ``cutoff_at``, oldest paid
    first, at most ``FulfillmentPolicy.wave_size`` parcels a wave and ``max_parcels`` in
    all. Reviewed orders without parcels get them first. The parcels become picking.

    Raises:
        WaveChanged: a parcel changed under the builder (nothing is built; try again).
    """
    allocation.allocate_orders(actor=actor)
    return _build(warehouse=warehouse, carrier=carrier or None, kind=kind or None,
                  cutoff_at=cutoff_at, max_parcels=max_parcels, actor=actor)


def pick_list(wave: Wave) -> list[PickRow]:
    """The wave's pick list: per (bin, SKU) the units to take and each parcel's slot, in
    bin order. Two queries, whatever the size of the wave."""
    lines = list(ShipmentLine.objects
                 .filter(shipment__wave=wave)
                 .exclude(shipment__status=ShipmentStatus.CANCELLED)
                 .values_list("shipment_id", "sku_id", "sku__code", "order_line__product_title",
                              "order_line__option_values", "quantity"))
    bins = dict(Stock.objects.filter(warehouse_id=wave.warehouse_id,
                                     sku_id__in={line[1] for line in lines})
                .values_list("sku_id", "bin_location"))
    return rules.pick_rows(
        rules.PickInput(shipment_id, sku_id, code, _title(title, options), quantity,
                        bins.get(sku_id, ""))
        for shipment_id, sku_id, code, title, options, quantity in lines)


def _title(title: str, options: dict | None) -> str:
    values = " / ".join(str(value) for value in (options or {}).values())
    return f"{title} {values}".strip()


def _lock_wave(wave: Wave) -> Wave:
    return Wave.objects.select_for_update().get(pk=wave.pk)


@transaction.atomic
def confirm_picked(wave: Wave, *, actor: Staff | None) -> Wave:
    """The picker has every unit of the wave: picking → picked.

    Raises:
        InvalidTransition: the wave is not picking.
    """
    wave = _lock_wave(wave)
    if wave.status != WaveStatus.PICKING:
        raise InvalidTransition(current=WaveStatus(wave.status).label,
                                target=WaveStatus.PICKED.label)
    wave.status, wave.picked_at, wave.picked_by = WaveStatus.PICKED, timezone.now(), actor
    wave.save(update_fields=["status", "picked_at", "picked_by", "updated_at"])
    log_operation(wave, action="fulfillment.confirm_picked", actor=actor,
                  before={"status": WaveStatus.PICKING}, after={"status": WaveStatus.PICKED})
    return wave


def _back_to_pending(shipments: QuerySet) -> int:
    ids = list(shipments.values_list("id", flat=True))
    ShipmentLine.objects.filter(shipment_id__in=ids).update(packed_quantity=0)
    return Shipment.objects.filter(pk__in=ids).update(
        status=ShipmentStatus.PENDING, wave=None, updated_at=timezone.now())


@transaction.atomic
def remove_from_wave(shipment: Shipment, *, actor: Staff | None) -> Shipment:
    """Take a parcel not yet packed out of its wave: back to pending, its scans undone.

    Raises:
        NotInWave: the parcel is not picking in a wave.
    """
    shipment = Shipment.objects.select_for_update(of=("self",)).select_related("wave").get(
        pk=shipment.pk)
    if shipment.wave_id is None or shipment.status != ShipmentStatus.PICKING:
        raise NotInWave(shipment=shipment.pk)
    wave = shipment.wave
    _back_to_pending(Shipment.objects.filter(pk=shipment.pk))
    log_operation(shipment, action="fulfillment.remove_from_wave", actor=actor,
                  before={"wave": wave.number, "status": ShipmentStatus.PICKING},
                  after={"wave": None, "status": ShipmentStatus.PENDING})
    shipment.refresh_from_db()
    return shipment


@transaction.atomic
def cancel_wave(wave: Wave, *, actor: Staff | None) -> int:
    """Cancel a wave none of whose parcels is packed: every parcel back to pending, the
    wave deleted (the operation log keeps its number and parcels). Returns the parcels
    released.

    Raises:
        WaveHasPackedParcels: a parcel of the wave is packed or has left.
    """
    wave = _lock_wave(wave)
    shipments = Shipment.objects.select_for_update().filter(wave=wave)
    ids = list(shipments.values_list("id", flat=True))
    if wave.shipments.exclude(status__in=[ShipmentStatus.PICKING,
                                          ShipmentStatus.CANCELLED]).exists():
        raise WaveHasPackedParcels(wave=wave.number)
    released = _back_to_pending(Shipment.objects.filter(pk__in=ids,
                                                        status=ShipmentStatus.PICKING))
    log_operation(wave, action="fulfillment.cancel_wave", actor=actor,
                  before={"number": wave.number, "status": wave.status, "parcels": ids},
                  after=None)
    wave.delete()
    return released


def close_wave_if_done(wave_id: int | None) -> None:
    """A wave whose parcels are all packed (or gone) is done. Call inside an action."""
    if wave_id is None:
        return
    if not Shipment.objects.filter(wave_id=wave_id, status=ShipmentStatus.PICKING).exists():
        Wave.objects.filter(pk=wave_id).exclude(status=WaveStatus.DONE).update(
            status=WaveStatus.DONE, updated_at=timezone.now())


# ---- reads -------------------------------------------------------------------------------

def list_waves(*, status: str | None = None, warehouse_id: int | None = None) -> QuerySet[Wave]:
    qs = Wave.objects.select_related("warehouse").annotate(
        parcel_count=Count("shipments"),
        packed_count=Count("shipments", filter=Q(shipments__status=ShipmentStatus.PACKED)))
    if status:
        qs = qs.filter(status=status)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    return qs


def get_wave(wave_id: int) -> Wave:
    try:
        return list_waves().get(pk=wave_id)
    except Wave.DoesNotExist:
        raise NotFound() from None
