"""Setups of the carrier and tracking API rows in ``tests/api/matrix.py`` (carrier services,
rate cards, waybill ranges, the quote, the tracking callback and a parcel's timeline)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.api.case import Case
from tests.fulfillment.support import make_service, shipped_parcels
from zhanggui.fulfillment import tracking
from zhanggui.fulfillment.models import CarrierService, RateCardRow, Shipment, TrackingEvent


def _zto() -> CarrierService:
    return make_service("zto", "standard", ((), 1000, "5", 1000, "2"),
                        (("650000",), 1000, "15", 1000, "12", 5), name="中通")


def _fresh(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def list_carrier_services() -> Case:
    zto = _zto()
    return Case(check=lambda data, staff: any(
        s["id"] == zto.pk and len(s["rates"]) == 2 for s in data))


def create_carrier_service() -> Case:
    CarrierService.objects.filter(carrier="sto").delete()
    return Case(body={"carrier": "sto", "level": "standard", "name": "申通快递",
                      "promised_days": 3},
                check=lambda data, staff: CarrierService.objects.get(pk=data["id"]).name
                == "申通快递")


def update_carrier_service() -> Case:
    zto = _zto()
    return Case(path={"service_id": zto.pk}, body={"name": "中通（合同价）", "is_default": True},
                target=zto, check=lambda data, staff: _fresh(zto).is_default
                and data["name"] == "中通（合同价）")


def set_rate_card() -> Case:
    zto = _zto()
    return Case(path={"service_id": zto.pk}, target=zto, body={"rows": [
        {"province_codes": [], "first_fee_amount": "4.50", "additional_fee_amount": "1.50"}]},
        check=lambda data, staff: [Decimal(r["first_fee_amount"]) for r in data["rates"]]
        == [Decimal("4.50")]
        and RateCardRow.objects.filter(service_id=zto.pk).count() == 1)


def load_waybill_range() -> Case:
    zto = _zto()
    return Case(path={"service_id": zto.pk}, target=zto,
                body={"prefix": "ZT", "first": 1000, "last": 1999},
                check=lambda data, staff: (_fresh(zto).waybill_next, _fresh(zto).waybill_last)
                == (1000, 1999))


def quote() -> Case:
    zto = _zto()
    return Case(query={"service": zto.pk, "province": "650000", "weight_grams": 2500},
                check=lambda data, staff: Decimal(data["fee_amount"]) == Decimal("39.00")
                and data["promised_days"] == 5)


def _parcel() -> Shipment:
    return shipped_parcels(1, shipped_at=timezone.now() - timedelta(hours=30))[0]


def record_tracking_events() -> Case:
    parcel = _parcel()
    at = (parcel.shipped_at + timedelta(hours=2)).isoformat()
    return Case(target=parcel, body={"events": [
        {"carrier": parcel.carrier, "tracking_number": parcel.tracking_number,
         "event_id": "E1", "kind": "collected", "occurred_at": at, "location": "杭州"}]},
        check=lambda data, staff: (data["recorded"], data["duplicates"]) == (1, 0)
        and _fresh(parcel).status == "in_transit")


def list_tracking_events() -> Case:
    parcel = _parcel()
    tracking.record_console_event(parcel, kind="collected", occurred_at=timezone.now(),
                                  actor=None)
    return Case(path={"shipment_id": parcel.pk},
                check=lambda data, staff: [e["kind"] for e in data] == ["collected"])


def record_console_event() -> Case:
    parcel = _parcel()
    return Case(path={"shipment_id": parcel.pk}, target=parcel,
                body={"kind": "collected", "location": "杭州", "description": "电话确认已揽收"},
                check=lambda data, staff: _fresh(parcel).status == "in_transit"
                and TrackingEvent.objects.get(pk=data["id"]).source == "console")
