"""Scan-to-pack at the packing bench: every unit scanned (SKU barcode or SKU code) into the
parcel's box, a wrong item or one unit too many refused — and the refused scan recorded —,
then the parcel weighed and packed; the carrier's charge quoted from the rate card."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.errors import Conflict, DomainError
from zhanggui.fulfillment import carriers, errors
from zhanggui.fulfillment import rules_warehouse as rules
from zhanggui.fulfillment.models import (
    CarrierService,
    PackScan,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    Wave,
    WaveStatus,
)
from zhanggui.fulfillment.waves import close_wave_if_done

PACKABLE = (ShipmentStatus.PENDING, ShipmentStatus.PICKING)


class WrongItem(Conflict):
    code = rules.WRONG_ITEM
    default_message = _("%(code)s is not in this parcel.")


class AlreadyPacked(Conflict):
    code = rules.ALREADY_PACKED
    default_message = _("Every unit of %(code)s is already packed.")


class NotPackable(Conflict):
    code = "not_packable"
    default_message = _("Parcel %(shipment)s is %(status)s: it cannot be packed now.")


class PackingIncomplete(Conflict):
    code = "packing_incomplete"
    default_message = _("%(missing)d unit(s) of the parcel are not scanned yet.")


class InvalidWeight(errors.InvalidWeight):
    default_message = _("Enter the parcel's weight in grams, between 1 and %(max)d.")


REFUSALS: dict[str, type[DomainError]] = {rules.WRONG_ITEM: WrongItem,
                                          rules.ALREADY_PACKED: AlreadyPacked}


@dataclass(frozen=True)
class ScanResult:
    """What a scan did: accepted (a unit of ``sku_code`` went in the box) or refused with a
    stable ``refusal`` code and its ``error`` (the refused scan is recorded all the same)."""

    scan: PackScan
    accepted: bool
    refusal: str
    sku_code: str
    packed: int  # units in the box after the scan
    expected: int  # units the parcel holds

    @property
    def error(self) -> DomainError | None:
        return REFUSALS[self.refusal](code=self.scan.code) if self.refusal else None

    @property
    def complete(self) -> bool:
        return self.packed == self.expected


def _lock(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update(of=("self",)).select_related(
        "order", "service").get(pk=shipment.pk)


def _pack_lines(shipment: Shipment) -> list[rules.PackLine]:
    return [rules.PackLine(*row) for row in ShipmentLine.objects.filter(shipment=shipment)
            .order_by("id").values_list("id", "sku_id", "quantity", "packed_quantity")]


def _require_packable(shipment: Shipment) -> None:
    if shipment.status not in PACKABLE:
        raise NotPackable(shipment=shipment.pk, status=shipment.get_status_display())


def find_sku(code: str) -> Sku | None:
    """The SKU a scanned code names: its barcode first, else its SKU code."""
    code = code.strip()
    if not code:
        return None
    return (Sku.objects.filter(barcode=code).order_by("id").first()
            or Sku.objects.filter(code=code).first())


def scan(shipment: Shipment, code: str, *, actor: Staff | None) -> ScanResult:
    """Scan one unit into the parcel's box. An accepted scan adds one to its line's packed
    units; a wrong item (not in the parcel, or no SKU at all) or one unit too many is
    refused: the scan is recorded (``accepted=False``) and nothing else changes. Refusals
    are results, not exceptions, so that the record of the refusal is committed with them.

    Raises:
        NotPackable: the parcel is packed, gone or cancelled (nothing recorded).
    """
    code = code.strip()[:60]
    with transaction.atomic():
        shipment = _lock(shipment)
        _require_packable(shipment)
        sku = find_sku(code)
        lines = _pack_lines(shipment)
        line_id, refusal = rules.scan_target(lines, sku.pk if sku else None)
        if line_id is not None:
            ShipmentLine.objects.filter(pk=line_id, packed_quantity__lt=F("quantity")).update(
                packed_quantity=F("packed_quantity") + 1)
        record = PackScan.objects.create(
            shipment=shipment, code=code, sku=sku, accepted=line_id is not None,
            refusal=refusal, scanned_by=actor, scanned_at=timezone.now())
        packed = sum(line.packed_quantity for line in lines) + (line_id is not None)
        if refusal:
            log_operation(shipment, action="fulfillment.scan_refused", actor=actor,
                          after={"code": code, "refusal": refusal})
    return ScanResult(scan=record, accepted=line_id is not None, refusal=refusal,
                      sku_code=sku.code if sku else code, packed=packed,
                      expected=sum(line.quantity for line in lines))


def _quote(shipment: Shipment, service: CarrierService | None, weight_grams: int):
    """The carrier's charge from the service's rate card; empty when there is no service
    or its rate card does not reach the province."""
    if service is None:
        return None
    try:
        return carriers.quote(service, shipment.order.province_code, weight_grams)
    except DomainError:
        return None


def _service(shipment: Shipment) -> CarrierService | None:
    """The parcel's service; else its carrier's (the default first); else the shop's."""
    if shipment.service_id:
        return shipment.service
    if shipment.carrier:
        return (CarrierService.objects.filter(carrier=shipment.carrier, is_active=True)
                .order_by("-is_default", "id").first())
    return carriers.default_service()


@transaction.atomic
def finish_packing(shipment: Shipment, *, weight_grams: int, actor: Staff | None) -> Shipment:
    """Every unit scanned and the parcel weighed: packed, with its weight and the carrier's
    charge; its carrier service is the parcel's, else the shop default's.

    Raises:
        NotPackable: the parcel is not pending or picking.
        PackingIncomplete: units are not scanned yet.
        InvalidWeight: no weight, or not between 1 g and ``MAX_PARCEL_GRAMS``.
    """
    shipment = _lock(shipment)
    _require_packable(shipment)
    lines = _pack_lines(shipment)
    if not rules.all_packed(lines):
        raise PackingIncomplete(missing=sum(line.quantity - line.packed_quantity
                                            for line in lines) or 1)
    if not rules.weight_is_plausible(weight_grams):
        raise InvalidWeight(max=rules.MAX_PARCEL_GRAMS)
    service = _service(shipment)
    before = {"status": shipment.status}
    shipment.status = ShipmentStatus.PACKED
    shipment.weight_grams = weight_grams
    shipment.packed_at, shipment.packed_by = timezone.now(), actor
    if service is not None:
        shipment.service, shipment.carrier = service, shipment.carrier or service.carrier
    shipment.cost_amount = _quote(shipment, service, weight_grams)
    shipment.save(update_fields=["status", "weight_grams", "packed_at", "packed_by", "service",
                                 "carrier", "cost_amount", "updated_at"])
    close_wave_if_done(shipment.wave_id)
    log_operation(shipment, action="fulfillment.finish_packing", actor=actor, before=before,
                  after={"status": ShipmentStatus.PACKED, "weight_grams": weight_grams,
                         "cost_amount": None if shipment.cost_amount is None
                         else str(shipment.cost_amount)})
    return shipment


@transaction.atomic
def unpack(shipment: Shipment, *, actor: Staff | None) -> Shipment:
    """Start the parcel over: every scanned unit out of the box; a packed parcel goes back
    to picking (in a wave) or pending, without weight or charge. The scans stay recorded.

    Raises:
        NotPackable: the parcel has left or is cancelled.
    """
    shipment = _lock(shipment)
    if shipment.status not in (*PACKABLE, ShipmentStatus.PACKED):
        raise NotPackable(shipment=shipment.pk, status=shipment.get_status_display())
    before = {"status": shipment.status, "weight_grams": shipment.weight_grams}
    ShipmentLine.objects.filter(~Q(packed_quantity=0), shipment=shipment).update(
        packed_quantity=0)
    if shipment.status == ShipmentStatus.PACKED:
        shipment.status = ShipmentStatus.PICKING if shipment.wave_id else ShipmentStatus.PENDING
        shipment.weight_grams = shipment.packed_at = shipment.packed_by = None
        shipment.cost_amount = None
        shipment.save(update_fields=["status", "weight_grams", "packed_at", "packed_by",
                                     "cost_amount", "updated_at"])
        if shipment.wave_id:  # the wave has a parcel to pack again
            done = Wave.objects.filter(pk=shipment.wave_id, status=WaveStatus.DONE)
            done.filter(picked_at__isnull=False).update(status=WaveStatus.PICKED)
            done.update(status=WaveStatus.PICKING)
    log_operation(shipment, action="fulfillment.unpack", actor=actor, before=before,
                  after={"status": shipment.status})
    return shipment


def find_parcel(text: str) -> Shipment | None:
    """The parcel the bench looks up: by tracking number (any carrier; the parcel still in
    the warehouse first), else by parcel id."""
    text = (text or "").strip()
    if not text:
        return None
    numbered = Shipment.objects.filter(tracking_number=text).order_by("-id")
    found = (numbered.filter(status__in=[*PACKABLE, ShipmentStatus.PACKED]).first()
             or numbered.first())
    if found is None and text.isdigit() and len(text) < 19:
        found = Shipment.objects.filter(pk=int(text)).first()
    return found


def packing_lines(shipment: Shipment) -> list[dict]:
    """The bench's view of a parcel: each line with its SKU, barcode, packed and expected."""
    return [
        {"line_id": line.pk, "sku_id": line.sku_id, "sku_code": line.sku.code,
         "barcode": line.sku.barcode, "title": line.order_line.product_title,
         "quantity": line.quantity, "packed_quantity": line.packed_quantity}
        for line in ShipmentLine.objects.filter(shipment=shipment)
        .select_related("sku", "order_line").order_by("id")]
