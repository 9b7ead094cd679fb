"""Fulfillment API of carriers and tracking: carrier services with their rate cards and
waybill ranges, the quote of a parcel, a carrier's tracking callback, a parcel's timeline.

Thin: parse, ``require_perm`` first, call one action or query, render. Mounted next to
``fulfillment.api`` under ``/api/v1/fulfillment``.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Field, Query, Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, INT_MAX, MAX_YEAR, MIN_YEAR, ErrorOut, Id
from zhanggui.fulfillment import carriers, queries, tracking
from zhanggui.fulfillment.errors import InvalidTrackingEvents
from zhanggui.fulfillment.models import (
    Carrier,
    ServiceLevel,
    TrackingEventKind,
    TrackingSource,
)

router = Router()
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_EVENTS = 1000


class RateOut(Schema):
    province_codes: list[str]
    first_weight_grams: int
    first_fee_amount: Decimal
    additional_weight_grams: int
    additional_fee_amount: Decimal
    promised_days: int | None


class ServiceOut(Schema):
    id: int
    carrier: Carrier
    level: ServiceLevel
    name: str
    promised_days: int
    is_active: bool
    is_default: bool
    waybill_prefix: str
    waybill_next: int
    waybill_last: int
    waybill_digits: int
    rates: list[RateOut]

    @staticmethod
    def resolve_rates(obj) -> list:
        return list(obj.rates.all())


class ServiceIn(Schema):
    carrier: Carrier
    level: ServiceLevel = ServiceLevel.STANDARD
    name: str = Field(min_length=1, max_length=60)
    promised_days: int = Field(3, ge=1, le=365)
    is_active: bool = True
    is_default: bool = False


class ServicePatch(Schema):
    carrier: Carrier | None = None
    level: ServiceLevel | None = None
    name: str | None = Field(None, min_length=1, max_length=60)
    promised_days: int | None = Field(None, ge=1, le=365)
    is_active: bool | None = None
    is_default: bool | None = None


class RateIn(Schema):
    province_codes: list[str] = Field(default_factory=list, max_length=40)
    first_weight_grams: int = Field(1000, ge=1, le=INT_MAX)
    first_fee_amount: Decimal = Field(ge=0, **MONEY)
    additional_weight_grams: int = Field(1000, ge=1, le=INT_MAX)
    additional_fee_amount: Decimal = Field(ge=0, **MONEY)
    promised_days: int | None = Field(None, ge=1, le=365)


class RateCardIn(Schema):
    rows: list[RateIn] = Field(max_length=50)


class WaybillRangeIn(Schema):
    prefix: str = Field("", max_length=10)
    first: int = Field(ge=1, le=10**18)
    last: int = Field(ge=1, le=10**18)
    digits: int | None = Field(None, ge=1, le=18)


class QuoteParams(Schema):
    service: Id
    province: str = Field(min_length=6, max_length=6)
    weight_grams: int = Field(ge=1, le=INT_MAX)


class QuoteOut(Schema):
    service_id: int
    province: str
    weight_grams: int
    fee_amount: Decimal
    promised_days: int


class EventIn(Schema):
    carrier: str = Field(max_length=20, description="carrier code: sf, zto, yto, …")
    tracking_number: str = Field(max_length=60)
    event_id: str = Field(max_length=100, description="the carrier's id of the event")
    kind: str = Field(max_length=30, description=", ".join(TrackingEventKind.values))
    occurred_at: str = Field(max_length=40, description="ISO 8601 with a time zone")
    location: str = Field("", max_length=400)
    description: str = Field("", max_length=1000)


class EventsIn(Schema):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


class TrackingResultOut(Schema):
    recorded: int
    duplicates: int
    unknown: int
    unknown_rows: list[int]


class RowProblemOut(Schema):
    index: int
    code: str
    message: str


class EventsRefusedOut(ErrorOut):
    rows: list[RowProblemOut]


class ConsoleEventIn(Schema):
    kind: TrackingEventKind
    occurred_at: datetime | None = None
    location: str = Field("", max_length=80)
    description: str = Field("", max_length=200)


class TrackingEventOut(Schema):
    id: int
    carrier: str
    event_id: str
    kind: TrackingEventKind
    occurred_at: datetime
    location: str
    description: str
    source: TrackingSource
    created_at: datetime


# ---- carrier services -------------------------------------------------------------------

@router.get("/carrier-services", response={200: list[ServiceOut], **ERRORS})
def list_carrier_services(request):
    require_perm(request, "fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")
    return list(carriers.list_services())


@router.post("/carrier-services", response={201: ServiceOut, **ERRORS})
def create_carrier_service(request, payload: ServiceIn):
    require_perm(request, "fulfillment.manage_carriers")
    service = carriers.create_carrier_service(**payload.model_dump(), actor=request.user)
    return Status(201, carriers.get_service(service.pk))


@router.get("/carrier-services/quote", response={200: QuoteOut, **ERRORS})
def quote(request, params: Query[QuoteParams]):
    """What the carrier charges for a parcel of ``weight_grams`` to ``province``."""
    require_perm(request, "fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")
    service = carriers.get_service(params.service)
    fee = carriers.quote(service, params.province, params.weight_grams)
    return QuoteOut(service_id=service.pk, province=params.province,
                    weight_grams=params.weight_grams, fee_amount=fee,
                    promised_days=carriers.promised_days(service, params.province))


@router.patch("/carrier-services/{service_id}", response={200: ServiceOut, **ERRORS})
def update_carrier_service(request, service_id: Id, payload: ServicePatch):
    require_perm(request, "fulfillment.manage_carriers")
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    service = carriers.update_carrier_service(carriers.get_service(service_id),
                                              actor=request.user, **changes)
    return carriers.get_service(service.pk)


@router.put("/carrier-services/{service_id}/rates", response={200: ServiceOut, **ERRORS})
def set_rate_card(request, service_id: Id, payload: RateCardIn):
    """Replace the service's rate card (a row without provinces covers every other one)."""
    require_perm(request, "fulfillment.manage_carriers")
    service = carriers.get_service(service_id)
    carriers.set_rate_card(service, [
        carriers.RateRowIn(tuple(row.province_codes), row.first_weight_grams,
                           row.first_fee_amount, row.additional_weight_grams,
                           row.additional_fee_amount, row.promised_days)
        for row in payload.rows], actor=request.user)
    return carriers.get_service(service_id)


@router.post("/carrier-services/{service_id}/waybill-range", response={200: ServiceOut, **ERRORS})
def load_waybill_range(request, service_id: Id, payload: WaybillRangeIn):
    require_perm(request, "fulfillment.manage_carriers")
    carriers.load_waybill_range(carriers.get_service(service_id), **payload.model_dump(),
                                actor=request.user)
    return carriers.get_service(service_id)


# ---- tracking ---------------------------------------------------------------------------

def _moment(text: str) -> datetime | None:
    try:
        value = parse_datetime(text.strip())
    except ValueError:
        return None
    return value if value is not None and MIN_YEAR <= value.year <= MAX_YEAR else None


@router.post("/tracking-events", response={200: TrackingResultOut, **ERRORS,
                                           422: EventsRefusedOut | ErrorOut})
def record_tracking_events(request, payload: EventsIn):
    """A carrier's push of tracking events. Idempotent on (carrier, event id): a repeated
    event is counted in ``duplicates``; events of unknown parcels in ``unknown``. One bad
    event refuses the whole request (422 with each row's index and code)."""
    require_perm(request, "fulfillment.record_tracking")
    events = [tracking.TrackingEventIn(
        carrier=e.carrier, tracking_number=e.tracking_number, event_id=e.event_id, kind=e.kind,
        occurred_at=_moment(e.occurred_at), location=e.location, description=e.description)
        for e in payload.events]
    try:
        result = tracking.record_tracking_events(events, source=TrackingSource.API,
                                                 actor=request.user)
    except InvalidTrackingEvents as refused:
        return Status(422, {"code": refused.code, "message": str(refused),
                            "rows": [{"index": i, "code": code, "message": message}
                                     for i, code, message in refused.rows]})
    return {"recorded": result.recorded, "duplicates": result.duplicates,
            "unknown": result.unknown, "unknown_rows": list(result.unknown_rows)}


@router.get("/shipments/{shipment_id}/tracking-events", response={200: list[TrackingEventOut], **ERRORS})
def list_tracking_events(request, shipment_id: Id):
    """The parcel's timeline, oldest first."""
    require_perm(request, "fulfillment.view_shipment", "fulfillment.view_trackingevent")
    return list(tracking.events_of(queries.get_shipment(shipment_id)))


@router.post("/shipments/{shipment_id}/tracking-events", response={201: TrackingEventOut, **ERRORS})
def record_console_event(request, shipment_id: Id, payload: ConsoleEventIn):
    """Record one event by hand (what the carrier said on the phone or shows on its site)."""
    require_perm(request, "fulfillment.record_tracking")
    event = tracking.record_console_event(
        queries.get_shipment(shipment_id), kind=payload.kind,
        occurred_at=payload.occurred_at or timezone.now(), location=payload.location,
        description=payload.description, actor=request.user)
    return Status(201, event)
