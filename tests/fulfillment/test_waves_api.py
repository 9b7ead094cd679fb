"""The warehouse-floor API as a client uses it: build a wave, read its pick list, scan
(a wrong item answered 409 and still recorded), finish, label; labels (the full recipient) only
for staff with their own permission."""

import base64

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from tests.api.support import ApiClient
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.accounts.models import Staff
from zhanggui.fulfillment.models import CarrierService, PackScan, Shipment

pytestmark = pytest.mark.django_db
FUL = "/api/v1/fulfillment"


@pytest.fixture
def warehouse_client():
    return ApiClient(factories.make_staff("warehouse"))


def test_a_parcel_from_wave_to_packed_through_the_api(warehouse_client):
    warehouse = factories.make_warehouse()
    shirt = stocked_sku(warehouse, bin_location="C-3", barcode="6900000000017")
    other = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 2)])

    built = warehouse_client.post(f"{FUL}/waves", {"warehouse_id": warehouse.pk, "kind": "multi"})
    assert built.status_code == 201, built.content
    [wave] = built.json()
    assert (wave["kind"], wave["parcel_count"], wave["status"]) == ("multi", 1, "picking")
    rows = warehouse_client.get(f"{FUL}/waves/{wave['id']}/pick-list").json()
    assert [(r["bin_location"], r["quantity"], r["slots"]) for r in rows] == [
        ("C-3", 2, [{"slot": 1, "shipment_id": parcel.pk, "quantity": 2}])]

    wrong = warehouse_client.post(f"{FUL}/shipments/{parcel.pk}/scan", {"code": other.code})
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_item"
    assert PackScan.objects.filter(shipment=parcel, accepted=False, refusal="wrong_item").exists()
    for expected in (1, 2):
        ok = warehouse_client.post(f"{FUL}/shipments/{parcel.pk}/scan", {"code": "6900000000017"})
        assert ok.status_code == 200 and ok.json()["packed"] == expected
    over = warehouse_client.post(f"{FUL}/shipments/{parcel.pk}/scan", {"code": shirt.code})
    assert over.status_code == 409 and over.json()["code"] == "already_packed"

    light = warehouse_client.post(f"{FUL}/shipments/{parcel.pk}/finish-packing", {"weight_grams": 0})
    assert light.status_code == 422 and light.json()["code"] == "invalid_weight"
    done = warehouse_client.post(f"{FUL}/shipments/{parcel.pk}/finish-packing",
                                 {"weight_grams": 640})
    assert done.status_code == 200 and done.json()["status"] == "packed"
    assert warehouse_client.get(f"{FUL}/waves/{wave['id']}").json()["status"] == "done"


def test_tracking_numbers_in_batch_refused_when_the_range_runs_out(warehouse_client):
    warehouse = factories.make_warehouse()
    sku = stocked_sku(warehouse)
    parcels = [parcel_of([(sku, 1)]) for _ in range(2)]
    service = CarrierService.objects.get(carrier="zto", level="standard")
    CarrierService.objects.filter(pk=service.pk).update(waybill_prefix="ZT", waybill_next=5,
                                                        waybill_last=5)
    body = {"shipment_ids": [p.pk for p in parcels], "service_id": service.pk}
    refused = warehouse_client.post(f"{FUL}/shipments/tracking-numbers", body)
    assert refused.status_code == 409 and refused.json()["code"] == "waybill_range_exhausted"
    assert not Shipment.objects.exclude(tracking_number="").exists()


def test_labels_need_their_own_permission_and_mark_the_parcels_printed(warehouse_client):
    parcel = parcel_of([(stocked_sku(factories.make_warehouse()), 1)])
    Shipment.objects.filter(pk=parcel.pk).update(carrier="sf", tracking_number="SF123456789")
    body = {"shipment_ids": [parcel.pk]}
    packer = factories.make_staff("analyst")  # may pack, but not print the full recipient
    packer.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="fulfillment", codename__in=["pack_shipment", "view_shipment"]))
    packer_client = ApiClient(Staff.objects.get(pk=packer.pk))

    denied = packer_client.post(f"{FUL}/shipments/labels", body)
    assert denied.status_code == 403
    assert Shipment.objects.get(pk=parcel.pk).label_printed_at is None

    slips = packer_client.post(f"{FUL}/shipments/packing-slips", body)  # no personal data
    assert slips.status_code == 200 and slips.json()["pages"] == 1

    printed = warehouse_client.post(f"{FUL}/shipments/labels", body)
    assert printed.status_code == 200
    assert base64.b64decode(printed.json()["content_base64"]).startswith(b"%PDF-")
    assert Shipment.objects.get(pk=parcel.pk).label_printed_at is not None
