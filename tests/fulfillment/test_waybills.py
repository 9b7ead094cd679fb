"""Tracking numbers: in batch from the service's waybill range (all or nothing), kept when
a parcel has one, entered by hand once per carrier."""

import pytest

from tests import factories
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment import carriers, waybills
from zhanggui.fulfillment.errors import DuplicateTrackingNumber, TrackingNumberRequired
from zhanggui.fulfillment.models import CarrierService, Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sku():
    return stocked_sku(factories.make_warehouse(), 500)


@pytest.fixture
def staff():
    return factories.make_staff("warehouse")


def _service(carrier="sf", level="express", *, first=1, last=0, prefix="SF", digits=6):
    service, _created = CarrierService.objects.update_or_create(
        carrier=carrier, level=level, defaults={"name": f"{carrier}-{level}",
                                                "waybill_prefix": prefix, "waybill_next": first,
                                                "waybill_last": last, "waybill_digits": digits})
    return service


def _numbers(*parcels):
    return [Shipment.objects.get(pk=p.pk).tracking_number for p in parcels]


def test_numbers_come_in_order_from_the_range_and_existing_ones_are_kept(sku, staff):
    service = _service(first=41, last=50)
    a, b, c = (parcel_of([(sku, 1)]) for _ in range(3))
    Shipment.objects.filter(pk=b.pk).update(carrier="zto", tracking_number="ZT-HAND-1")

    result = waybills.assign_tracking_numbers([a, b, c], service=service, actor=staff)

    assert result == {"assigned": {a.pk: "SF000041", c.pk: "SF000042"}, "kept": [b.pk]}
    assert _numbers(a, b, c) == ["SF000041", "ZT-HAND-1", "SF000042"]
    assert set(Shipment.objects.filter(pk__in=[a.pk, c.pk]).values_list("carrier", "service")) \
        == {("sf", service.pk)}
    service.refresh_from_db()
    assert service.waybill_next == 43
    entry = OperationLog.objects.get(action="fulfillment.assign_tracking_numbers")
    assert (entry.actor, entry.after["first"], entry.after["last"]) == (staff, "SF000041",
                                                                        "SF000042")
    assert waybills.assign_tracking_numbers([a], service=service, actor=staff)["kept"] == [a.pk]


def test_an_exhausted_range_is_refused_and_nothing_is_assigned(sku, staff):
    service = _service(first=9, last=10)
    parcels = [parcel_of([(sku, 1)]) for _ in range(3)]

    with pytest.raises(waybills.WaybillRangeExhausted) as refused:
        waybills.assign_tracking_numbers(parcels, service=service, actor=staff)

    assert refused.value.code == "waybill_range_exhausted" and "2" in str(refused.value)
    assert _numbers(*parcels) == ["", "", ""]
    service.refresh_from_db()
    assert service.waybill_next == 9
    assert not OperationLog.objects.filter(action="fulfillment.assign_tracking_numbers").exists()
    empty = _service("jd", "express", prefix="JD")
    with pytest.raises(waybills.WaybillRangeExhausted):
        waybills.assign_tracking_numbers(parcels[:1], service=empty, actor=staff)


def test_numbers_already_entered_by_hand_are_skipped(sku, staff):
    service = _service(first=1, last=5)
    manual, parcel = parcel_of([(sku, 1)]), parcel_of([(sku, 1)])
    waybills.set_tracking_number(manual, tracking_number="SF000001", carrier="sf", actor=staff)
    assert waybills.assign_tracking_numbers([parcel], service=service,
                                            actor=staff)["assigned"] == {parcel.pk: "SF000002"}


def test_the_default_service_serves_parcels_without_one(sku, staff):
    default = carriers.default_service()
    CarrierService.objects.filter(pk=default.pk).update(
        waybill_prefix="D", waybill_next=7, waybill_last=99, waybill_digits=4)
    parcel = parcel_of([(sku, 1)])
    assert waybills.assign_tracking_numbers([parcel], actor=staff)["assigned"] == {
        parcel.pk: "D0007"}
    CarrierService.objects.update(is_default=False)
    other = parcel_of([(sku, 1)])
    with pytest.raises(waybills.NoCarrierService):
        waybills.assign_tracking_numbers([other], actor=staff)


def test_parcels_that_left_get_no_number(sku, staff):
    service = _service(first=1, last=5)
    parcel = parcel_of([(sku, 1)])
    Shipment.objects.filter(pk=parcel.pk).update(status="cancelled")
    with pytest.raises(waybills.ParcelNotOpen):
        waybills.assign_tracking_numbers([parcel], service=service, actor=staff)
    with pytest.raises(waybills.ParcelNotOpen):
        waybills.set_tracking_number(parcel, tracking_number="X1", carrier="sf", actor=staff)


def test_manual_number_is_unique_per_carrier(sku, staff):
    one, two = parcel_of([(sku, 1)]), parcel_of([(sku, 1)])
    waybills.set_tracking_number(one, tracking_number=" YT123 ", carrier="yto", actor=staff)
    with pytest.raises(DuplicateTrackingNumber):
        waybills.set_tracking_number(two, tracking_number="YT123", carrier="yto", actor=staff)
    assert _numbers(two) == [""]
    waybills.set_tracking_number(two, tracking_number="YT123", carrier="sto", actor=staff)
    assert _numbers(one, two) == ["YT123", "YT123"]
    with pytest.raises(TrackingNumberRequired):
        waybills.set_tracking_number(two, tracking_number="  ", carrier="sto", actor=staff)
    entry = OperationLog.objects.filter(action="fulfillment.set_tracking_number").latest("id")
    assert entry.after == {"carrier": "sto", "tracking_number": "YT123"}
