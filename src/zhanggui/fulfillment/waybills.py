"""Tracking numbers for parcels: in batch from a carrier service's electronic-waybill range
(电子面单号段), or one entered by hand."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment import rules_warehouse as rules
from zhanggui.fulfillment.errors import DuplicateTrackingNumber, TrackingNumberRequired
from zhanggui.fulfillment.models import Carrier, CarrierService, Shipment, ShipmentStatus

# Parcels still in the warehouse: a number is given before the label is printed.
OPEN = (ShipmentStatus.PENDING, ShipmentStatus.PICKING, ShipmentStatus.PACKED)


class WaybillRangeExhausted(Conflict):
    code = "waybill_range_exhausted"
    default_message = _("%(service)s has %(left)d waybill number(s) left, %(needed)d needed: "
                        "load a new range first.")


class NoCarrierService(InvalidInput):
    code = "no_carrier_service"
    default_message = _("Parcel %(shipment)s has no carrier service and the shop has no "
                        "default one.")


class ParcelNotOpen(Conflict):
    code = "parcel_not_open"
    default_message = _("Parcel %(shipment)s is %(status)s: its tracking number cannot "
                        "change.")


def _taken(carrier: str, numbers: list[str]) -> set[str]:
    return set(Shipment.objects.filter(carrier=carrier, tracking_number__in=numbers)
               .values_list("tracking_number", flat=True))


def _draw(service: CarrierService, count: int) -> list[str]:
    """The next ``count`` numbers of the locked service's range, skipping numbers a parcel
    of the carrier already has (entered by hand); advances the range.

    Raises:
        WaybillRangeExhausted: fewer numbers are left than needed.
    """
    drawn: list[str] = []
    number = service.waybill_next
    while len(drawn) < count:
        left = rules.waybill_remaining(number, service.waybill_last)
        if left < count - len(drawn):
            raise WaybillRangeExhausted(
                service=service.name, needed=count,
                left=rules.waybill_remaining(service.waybill_next, service.waybill_last))
        batch = [rules.waybill_text(service.waybill_prefix, n, service.waybill_digits)
                 for n in range(number, number + count - len(drawn))]
        taken = _taken(service.carrier, batch)
        drawn += [text for text in batch if text not in taken]
        number += len(batch)
    service.waybill_next = number
    service.save(update_fields=["waybill_next", "updated_at"])
    return drawn


@transaction.atomic
def assign_tracking_numbers(shipments: Iterable[Shipment], *,
                            service: CarrierService | None = None,
                            actor: Staff | None) -> dict:
    """Give each parcel still in the warehouse without a tracking number the next number of
    its carrier service's waybill range (``service`` for all of them when given, else the
    parcel's own, else the shop default). Parcels that have a number keep it. The services'
    rows are locked, so two batches never hand out the same number. All or nothing.

    Returns:
        ``{"assigned": {parcel id: number}, "kept": [parcel ids]}``.

    Raises:
        ParcelNotOpen: a parcel has left or is cancelled.
        NoCarrierService: a parcel has no service and there is no default.
        WaybillRangeExhausted: a range has fewer numbers left than its parcels need.
    """
    ids = sorted({shipment.pk for shipment in shipments})
    parcels = list(Shipment.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                   .order_by("pk"))
    default = carriers.default_service()
    needing: dict[int, list[Shipment]] = defaultdict(list)
    kept: list[int] = []
    for parcel in parcels:
        if parcel.status not in OPEN:
            raise ParcelNotOpen(shipment=parcel.pk, status=parcel.get_status_display())
        if parcel.tracking_number:
            kept.append(parcel.pk)
            continue
        chosen = service.pk if service else parcel.service_id or (default.pk if default else None)
        if chosen is None:
            raise NoCarrierService(shipment=parcel.pk)
        needing[chosen].append(parcel)
    services = {s.pk: s for s in CarrierService.objects.select_for_update()
                .filter(pk__in=sorted(needing)).order_by("pk")}
    assigned: dict[int, str] = {}
    now = timezone.now()
    for service_id, group in sorted(needing.items()):
        locked = services[service_id]
        for parcel, number in zip(group, _draw(locked, len(group)), strict=True):
            parcel.service, parcel.carrier, parcel.tracking_number = locked, locked.carrier, number
            parcel.updated_at = now
            assigned[parcel.pk] = number
        Shipment.objects.bulk_update(group, ["service", "carrier", "tracking_number",
                                             "updated_at"])
        log_operation(locked, action="fulfillment.assign_tracking_numbers", actor=actor,
                      after={"parcels": len(group), "first": group[0].tracking_number,
                             "last": group[-1].tracking_number,
                             "next": locked.waybill_next})
    return {"assigned": assigned, "kept": kept}


@transaction.atomic
def set_tracking_number(shipment: Shipment, *, tracking_number: str,
                        carrier: str | None = None, actor: Staff | None) -> Shipment:
    """Enter a parcel's tracking number by hand (a carrier's own label, a number by phone).

    Raises:
        TrackingNumberRequired: blank number, or no carrier given or known for the parcel.
        ParcelNotOpen: the parcel has left or is cancelled.
        DuplicateTrackingNumber: another parcel of the carrier has the number.
    """
    parcel = Shipment.objects.select_for_update(of=("self",)).select_related("service").get(
        pk=shipment.pk)
    tracking_number = (tracking_number or "").strip()
    carrier = carrier or parcel.carrier or (parcel.service.carrier if parcel.service else "")
    if not tracking_number or not carrier:
        raise TrackingNumberRequired()
    carrier = Carrier(carrier)
    if parcel.status not in OPEN:
        raise ParcelNotOpen(shipment=parcel.pk, status=parcel.get_status_display())
    if (Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number)
            .exclude(pk=parcel.pk).exists()):
        raise DuplicateTrackingNumber(tracking_number=tracking_number)
    before = {"carrier": parcel.carrier, "tracking_number": parcel.tracking_number}
    if parcel.service_id and parcel.service.carrier != carrier:
        parcel.service = None  # another carrier's number: the service no longer applies
    parcel.carrier, parcel.tracking_number = carrier, tracking_number
    try:
        with transaction.atomic():
            parcel.save(update_fields=["carrier", "tracking_number", "service", "updated_at"])
    except IntegrityError:  # the same number entered for another parcel at this moment
        raise DuplicateTrackingNumber(tracking_number=tracking_number) from None
    log_operation(parcel, action="fulfillment.set_tracking_number", actor=actor, before=before,
                  after={"carrier": carrier, "tracking_number": tracking_number})
    return parcel
