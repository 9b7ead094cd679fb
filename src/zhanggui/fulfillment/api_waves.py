"""Fulfillment API: the warehouse floor — waves and their pick lists, scan-to-pack, tracking
numbers, labels, packing slips. Thin: parse, ``require_perm`` first, call one action or
read, render.

PDFs are answered inside JSON (``content_base64``, with the file name and page count), like
every other answer of the API; the console serves the same PDFs as files.
"""

import base64
from datetime import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Moment
from zhanggui.fulfillment import carriers, documents, packing, queries, waves, waybills
from zhanggui.fulfillment.models import Carrier, ShipmentStatus, WaveKind, WaveStatus
from zhanggui.fulfillment.rules_warehouse import MAX_PARCEL_GRAMS
from zhanggui.inventory.queries import get_warehouse

router = Router()
MAX_BATCH = 500


class WaveOut(Schema):
    id: int
    number: str
    warehouse_id: int
    warehouse_name: str
    carrier: Carrier | None = None
    kind: WaveKind
    status: WaveStatus
    cutoff_at: datetime | None
    parcel_count: int
    packed_count: int
    created_at: datetime
    picked_at: datetime | None

    @staticmethod
    def resolve_warehouse_name(obj) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_carrier(obj) -> str | None:
        return obj.carrier or None


class WaveFilter(Schema):
    status: WaveStatus | None = None
    warehouse_id: Id | None = None


class BuildWavesIn(Schema):
    warehouse_id: Id | None = None
    carrier: Carrier | None = None
    kind: WaveKind | None = None
    cutoff_at: Moment | None = None
    max_parcels: int | None = Field(default=None, ge=1, le=100_000)


class SlotOut(Schema):
    slot: int
    shipment_id: int
    quantity: int


class PickRowOut(Schema):
    bin_location: str
    sku_id: int
    sku_code: str
    title: str
    quantity: int
    slots: list[SlotOut]

    @staticmethod
    def resolve_slots(obj) -> list[dict]:
        return [{"slot": s, "shipment_id": p, "quantity": q} for s, p, q in obj.slots]


class PdfOut(Schema):
    filename: str
    content_type: str = "application/pdf"
    pages: int
    content_base64: str


class ShipmentIdIn(Schema):
    shipment_id: Id


class ShipmentIdsIn(Schema):
    shipment_ids: list[Id] = Field(min_length=1, max_length=MAX_BATCH)


class PackLineOut(Schema):
    line_id: int
    sku_id: int
    sku_code: str
    barcode: str
    title: str
    quantity: int
    packed_quantity: int


class PackingOut(Schema):
    shipment_id: int
    status: ShipmentStatus
    wave_id: int | None
    carrier: Carrier | None = None
    tracking_number: str
    weight_grams: int | None
    packed_at: datetime | None
    lines: list[PackLineOut]


class ScanIn(Schema):
    code: str = Field(min_length=1, max_length=60, pattern=r"\S")


class ScanOut(Schema):
    accepted: bool
    sku_code: str
    packed: int
    expected: int
    complete: bool


class FinishIn(Schema):
    weight_grams: int = Field(ge=0, le=MAX_PARCEL_GRAMS * 10)


class WaybillAssignIn(ShipmentIdsIn):
    service_id: Id | None = None


class AssignedOut(Schema):
    assigned: dict[int, str]
    kept: list[int]


class TrackingNumberIn(Schema):
    tracking_number: str = Field(min_length=1, max_length=40, pattern=r"\S")
    carrier: Carrier | None = None


def _packing(shipment) -> dict:
    return {"shipment_id": shipment.pk, "status": shipment.status, "wave_id": shipment.wave_id,
            "carrier": shipment.carrier or None, "tracking_number": shipment.tracking_number,
            "weight_grams": shipment.weight_grams, "packed_at": shipment.packed_at,
            "lines": packing.packing_lines(shipment)}


def _pdf(document, filename: str) -> dict:
    return {"filename": filename, "pages": len(document.pages),
            "content_base64": base64.b64encode(document.write_pdf()).decode()}


def _shipments(ids: list[int]) -> list:
    return [queries.get_shipment(pk) for pk in dict.fromkeys(ids)]


@router.post("/waves", response={201: list[WaveOut], **ERRORS})
def build_waves(request, payload: BuildWavesIn):
    """Put the pending parcels of reviewed orders into waves (see ``waves.build_waves``)."""
    require_perm(request, "fulfillment.build_waves")
    built = waves.build_waves(
        warehouse=get_warehouse(payload.warehouse_id) if payload.warehouse_id else None,
        carrier=payload.carrier, kind=payload.kind, cutoff_at=payload.cutoff_at,
        max_parcels=payload.max_parcels, actor=request.user)
    return Status(201, list(waves.list_waves().filter(pk__in=[w.pk for w in built])))


@router.get("/waves", response={200: list[WaveOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_waves(request, filters: Query[WaveFilter]):
    require_perm(request, "fulfillment.view_wave")
    return waves.list_waves(**filters.model_dump())


@router.get("/waves/{wave_id}", response={200: WaveOut, **ERRORS})
def get_wave(request, wave_id: Id):
    require_perm(request, "fulfillment.view_wave")
    return waves.get_wave(wave_id)


@router.get("/waves/{wave_id}/pick-list", response={200: list[PickRowOut], **ERRORS})
def pick_list(request, wave_id: Id):
    """Per bin and SKU the units to pick, in walking order, with each parcel's slot."""
    require_perm(request, "fulfillment.view_wave")
    return waves.pick_list(waves.get_wave(wave_id))


@router.get("/waves/{wave_id}/pick-list/pdf", response={200: PdfOut, **ERRORS})
def pick_list_pdf(request, wave_id: Id):
    require_perm(request, "fulfillment.view_wave")
    wave = waves.get_wave(wave_id)
    return _pdf(documents.pick_list_document(wave), f"pick-list-{wave.number}.pdf")


@router.post("/waves/{wave_id}/picked", response={200: WaveOut, **ERRORS})
def confirm_picked(request, wave_id: Id):
    require_perm(request, "fulfillment.build_waves")
    waves.confirm_picked(waves.get_wave(wave_id), actor=request.user)
    return waves.get_wave(wave_id)


@router.post("/waves/{wave_id}/remove", response={200: WaveOut, **ERRORS})
def remove_from_wave(request, wave_id: Id, payload: ShipmentIdIn):
    """Take a parcel not yet packed out of the wave (back to pending)."""
    require_perm(request, "fulfillment.build_waves")
    wave = waves.get_wave(wave_id)
    shipment = queries.get_shipment(payload.shipment_id)
    if shipment.wave_id != wave.pk:
        raise waves.NotInWave(shipment=shipment.pk)
    waves.remove_from_wave(shipment, actor=request.user)
    return waves.get_wave(wave_id)


class ReleasedOut(Schema):
    released: int


@router.post("/waves/{wave_id}/cancel", response={200: ReleasedOut, **ERRORS})
def cancel_wave(request, wave_id: Id):
    """Cancel a wave with no packed parcel: its parcels go back to pending."""
    require_perm(request, "fulfillment.build_waves")
    wave = waves.get_wave(wave_id)
    released = waves.cancel_wave(wave, actor=request.user)
    return {"released": released}


@router.get("/shipments/{shipment_id}/packing", response={200: PackingOut, **ERRORS})
def get_packing(request, shipment_id: Id):
    """The packing bench's view of a parcel: each line's packed and expected units."""
    require_perm(request, "fulfillment.view_shipment")
    return _packing(queries.get_shipment(shipment_id))


@router.post("/shipments/{shipment_id}/scan", response={200: ScanOut, **ERRORS})
def scan(request, shipment_id: Id, payload: ScanIn):
    """Scan one unit (SKU barcode or code). A wrong item or one too many is answered 409
    (``wrong_item``, ``already_packed``) and recorded as a refused scan."""
    require_perm(request, "fulfillment.pack_shipment")
    result = packing.scan(queries.get_shipment(shipment_id), payload.code, actor=request.user)
    if result.error is not None:
        raise result.error  # the refused scan is committed already
    return {"accepted": True, "sku_code": result.sku_code, "packed": result.packed,
            "expected": result.expected, "complete": result.complete}


@router.post("/shipments/{shipment_id}/finish-packing", response={200: PackingOut, **ERRORS})
def finish_packing(request, shipment_id: Id, payload: FinishIn):
    require_perm(request, "fulfillment.pack_shipment")
    shipment = packing.finish_packing(queries.get_shipment(shipment_id),
                                      weight_grams=payload.weight_grams, actor=request.user)
    return _packing(shipment)


@router.post("/shipments/{shipment_id}/unpack", response={200: PackingOut, **ERRORS})
def unpack(request, shipment_id: Id):
    require_perm(request, "fulfillment.pack_shipment")
    return _packing(packing.unpack(queries.get_shipment(shipment_id), actor=request.user))


@router.post("/shipments/tracking-numbers", response={200: AssignedOut, **ERRORS})
def assign_tracking_numbers(request, payload: WaybillAssignIn):
    """Tracking numbers from the waybill range of ``service_id`` (else each parcel's service,
    else the shop default); parcels with a number keep it. All or nothing."""
    require_perm(request, "fulfillment.pack_shipment")
    service = carriers.get_service(payload.service_id) if payload.service_id else None
    return waybills.assign_tracking_numbers(_shipments(payload.shipment_ids), service=service,
                                            actor=request.user)


@router.post("/shipments/{shipment_id}/tracking-number", response={200: PackingOut, **ERRORS})
def set_tracking_number(request, shipment_id: Id, payload: TrackingNumberIn):
    require_perm(request, "fulfillment.pack_shipment")
    shipment = waybills.set_tracking_number(
        queries.get_shipment(shipment_id), tracking_number=payload.tracking_number,
        carrier=payload.carrier, actor=request.user)
    return _packing(shipment)


@router.post("/shipments/labels", response={200: PdfOut, **ERRORS})
def labels(request, payload: ShipmentIdsIn):
    """The parcels' shipping labels (the full recipient for the carrier: staff with
    ``fulfillment.print_labels`` only, each print logged); the parcels are marked printed."""
    require_perm(request, "fulfillment.pack_shipment", "fulfillment.print_labels")
    shipments = _shipments(payload.shipment_ids)
    pdf = documents.print_labels(shipments, actor=request.user)
    return {"filename": "labels.pdf", "pages": len(shipments),
            "content_base64": base64.b64encode(pdf).decode()}


@router.post("/shipments/packing-slips", response={200: PdfOut, **ERRORS})
def packing_slips(request, payload: ShipmentIdsIn):
    require_perm(request, "fulfillment.pack_shipment")
    return _pdf(documents.packing_slips_document(_shipments(payload.shipment_ids)),
                "packing-slips.pdf")
