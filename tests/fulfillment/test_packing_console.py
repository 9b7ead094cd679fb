"""Console pages of the warehouse floor: the build form, the wave page with its pick list and
PDF, the packing bench (a wrong scan refused in red and recorded, finish with weight), and the
shipment list's bulk actions (tracking numbers, labels for staff with their own permission,
packing slips)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.fulfillment import waves
from zhanggui.fulfillment.models import CarrierService, PackScan, Shipment, Wave

BENCH = "admin:fulfillment_packing_bench"
SHIPMENTS = "admin:fulfillment_shipment_changelist"


@pytest.fixture
def warehouse(db):
    return factories.make_warehouse()


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_build_waves_from_the_form_and_open_the_wave_page(login, warehouse):
    client = login("warehouse")
    sku = stocked_sku(warehouse, bin_location="D-7")
    parcel = parcel_of([(sku, 2)])

    response = client.post(reverse("admin:fulfillment_wave_build_waves"),
                           {"warehouse": warehouse.pk, "kind": "multi"})

    assert response.status_code == 302
    wave = Wave.objects.get()
    assert wave.created_by == client.staff and wave.shipments.get() == parcel
    page = client.get(reverse("admin:fulfillment_wave_change", args=[wave.pk])).content.decode()
    assert "D-7" in page and sku.code in page and "1×2" in page
    pdf = client.get(reverse("admin:fulfillment_wave_pick_list_pdf", args=[wave.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    again = client.post(reverse("admin:fulfillment_wave_build_waves"), {})
    assert [level for level, _text in _messages(again)] == ["warning"]  # nothing to wave
    assert Wave.objects.count() == 1


def test_the_packing_bench_refuses_a_wrong_item_in_red_and_packs_with_a_weight(login, warehouse):
    client = login("warehouse")
    shirt, other = stocked_sku(warehouse), stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])
    Shipment.objects.filter(pk=parcel.pk).update(carrier="sf", tracking_number="SF5550001")
    bench = reverse(BENCH)

    page = client.get(bench, {"parcel": "SF5550001"}).content.decode()
    assert f"#{parcel.pk}" in page and shirt.code in page and 'name="code"' in page
    assert "autofocus" in page and "<script>" not in page.split('id="bench-parcel"')[1]

    wrong = client.post(bench, {"parcel": parcel.pk, "do": "scan", "code": other.code})
    assert wrong.status_code == 302
    assert [(level, other.code in text) for level, text in _messages(wrong)] == [("error", True)]
    assert "text-red-600" in client.get(wrong["Location"]).content.decode()  # the refused scan
    assert PackScan.objects.filter(shipment=parcel, accepted=False, refusal="wrong_item").exists()

    client.post(bench, {"parcel": parcel.pk, "do": "scan", "code": shirt.code})
    early = client.post(bench, {"parcel": parcel.pk, "do": "finish", "weight_grams": ""})
    assert _messages(early)[-1][0] == "error"  # after the scan's success, not yet shown
    done = client.post(bench, {"parcel": parcel.pk, "do": "finish", "weight_grams": "480"},
                       follow=True)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.weight_grams, parcel.packed_by) == ("packed", 480, client.staff)
    assert done.status_code == 200


def test_the_bench_is_the_packers_only(login, warehouse):
    parcel = parcel_of([(stocked_sku(warehouse), 1)])
    client = login("service")
    assert client.get(reverse(BENCH)).status_code == 403
    assert client.post(reverse(BENCH), {"parcel": parcel.pk, "do": "unpack"}).status_code == 403


def _bulk(client, action: str, parcels, **data):
    return client.post(reverse(SHIPMENTS), {"action": action, ACTION_CHECKBOX_NAME: [
        p.pk for p in parcels], **data})


def test_bulk_tracking_numbers_labels_and_slips(login, warehouse):
    sku = stocked_sku(warehouse)
    parcels = [parcel_of([(sku, 1)]) for _ in range(2)]
    service = CarrierService.objects.get(carrier="yto", level="standard")
    CarrierService.objects.filter(pk=service.pk).update(waybill_prefix="YT", waybill_next=100,
                                                        waybill_last=199, waybill_digits=8)
    packer = login("warehouse")

    form = _bulk(packer, "assign_tracking_numbers_selected", parcels)
    assert form.status_code == 200 and b"name=\"service\"" in form.content
    _bulk(packer, "assign_tracking_numbers_selected", parcels, apply="1", service=service.pk)
    assert sorted(Shipment.objects.values_list("tracking_number", flat=True)) == [
        "YT00000100", "YT00000101"]

    slips = _bulk(packer, "print_packing_slips_selected", parcels)
    assert slips["Content-Type"] == "application/pdf" and slips.content.startswith(b"%PDF-")
    service = login("service")  # may not print the full recipient
    refused = _bulk(service, "print_labels_selected", parcels)
    assert refused.status_code != 200 or refused["Content-Type"] != "application/pdf"
    assert not Shipment.objects.filter(label_printed_at__isnull=False).exists()

    packer = login("warehouse")  # the warehouse prints labels
    labels = _bulk(packer, "print_labels_selected", parcels)
    assert labels["Content-Type"] == "application/pdf" and labels.content.startswith(b"%PDF-")
    assert Shipment.objects.filter(label_printed_at__isnull=False).count() == 2


def test_cancel_a_wave_from_its_page(login, warehouse):
    parcel = parcel_of([(stocked_sku(warehouse), 1)])
    [wave] = waves.build_waves(actor=None)
    client = login("warehouse")
    response = client.post(reverse("admin:fulfillment_wave_cancel_one", args=[wave.pk]),
                           {"apply": "1"})
    assert response.status_code == 302
    assert not Wave.objects.exists()
    assert Shipment.objects.get(pk=parcel.pk).status == "pending"
