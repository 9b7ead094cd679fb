"""Setups of the warehouse-floor API rows in ``tests/api/matrix.py``: waves, pick lists,
scan-to-pack, tracking numbers, labels and packing slips."""

import base64

from tests import factories
from tests.api.case import Case
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.fulfillment import packing, waves
from zhanggui.fulfillment.models import CarrierService, PackScan, Shipment, Wave


def _fresh(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def _parcel(units: int = 1):
    sku = stocked_sku(factories.make_warehouse(), 50, bin_location="A-1")
    return parcel_of([(sku, units)]), sku


def _wave():
    parcel, sku = _parcel(2)
    wave = waves.build_waves(warehouse=parcel.warehouse, actor=None)[0]
    return wave, _fresh(parcel), sku


def _pdf(data, pages: int) -> None:
    assert data["pages"] == pages and data["content_type"] == "application/pdf"
    assert base64.b64decode(data["content_base64"]).startswith(b"%PDF-")


def build_waves() -> Case:
    parcel, _sku = _parcel()
    return Case(body={"warehouse_id": parcel.warehouse_id}, target=parcel,
                check=lambda data, staff: len(data) == 1 and _fresh(parcel).wave_id == data[0]["id"])


def list_waves() -> Case:
    _wave()
    return Case(query={"status": "picking"}, check=lambda data, staff: data["count"] >= 1)


def get_wave() -> Case:
    wave = _wave()[0]
    return Case(path={"wave_id": wave.pk},
                check=lambda data, staff: (data["number"], data["parcel_count"]) == (wave.number, 1))


def pick_list() -> Case:
    wave, _, sku = _wave()
    return Case(path={"wave_id": wave.pk}, check=lambda data, staff: [
        (r["bin_location"], r["sku_code"], r["quantity"]) for r in data] == [("A-1", sku.code, 2)])


def pick_list_pdf() -> Case:
    wave = _wave()[0]
    return Case(path={"wave_id": wave.pk}, check=lambda data, staff: _pdf(data, 1))


def confirm_picked() -> Case:
    wave = _wave()[0]
    return Case(path={"wave_id": wave.pk}, target=wave,
                check=lambda data, staff: _fresh(wave).picked_by == staff)


def remove_from_wave() -> Case:
    wave, parcel, _sku = _wave()
    return Case(path={"wave_id": wave.pk}, body={"shipment_id": parcel.pk}, target=parcel,
                check=lambda data, staff: _fresh(parcel).status == "pending")


def cancel_wave() -> Case:
    wave = _wave()[0]
    return Case(path={"wave_id": wave.pk}, target=wave, check=lambda data, staff: (
        data["released"] == 1 and not Wave.objects.filter(pk=wave.pk).exists()))


def get_packing() -> Case:
    parcel, sku = _parcel(2)
    return Case(path={"shipment_id": parcel.pk}, check=lambda data, staff: [
        (line["sku_code"], line["quantity"], line["packed_quantity"]) for line in data["lines"]]
        == [(sku.code, 2, 0)])


def scan() -> Case:
    parcel, sku = _parcel(2)
    line = parcel.lines.get()
    return Case(path={"shipment_id": parcel.pk}, body={"code": sku.code}, target=line,
                check=lambda data, staff: data["packed"] == 1 and PackScan.objects.filter(
                    shipment=parcel, accepted=True, scanned_by=staff).exists())


def finish_packing() -> Case:
    parcel, sku = _parcel()
    packing.scan(parcel, sku.code, actor=None)
    return Case(path={"shipment_id": parcel.pk}, body={"weight_grams": 420}, target=parcel,
                check=lambda data, staff: (data["status"], _fresh(parcel).packed_by) == (
                    "packed", staff))


def unpack() -> Case:
    parcel, sku = _parcel()
    packing.scan(parcel, sku.code, actor=None)
    packing.finish_packing(parcel, weight_grams=300, actor=None)
    return Case(path={"shipment_id": parcel.pk}, target=parcel,
                check=lambda data, staff: data["status"] == "pending")


def _service() -> CarrierService:
    service = CarrierService.objects.get(carrier="sf", level="express")
    service.waybill_prefix, service.waybill_next, service.waybill_last = "SFT", 1, 999_999
    service.save()
    return service


def assign_tracking_numbers() -> Case:
    parcel, _sku = _parcel()
    service = _service()
    return Case(body={"shipment_ids": [parcel.pk], "service_id": service.pk}, target=parcel,
                check=lambda data, staff: data["assigned"] == {
                    str(parcel.pk): _fresh(parcel).tracking_number} and data["kept"] == [])


def set_tracking_number() -> Case:
    parcel, _sku = _parcel()
    return Case(path={"shipment_id": parcel.pk}, body={"tracking_number": "YT9001", "carrier": "yto"},
                target=parcel, check=lambda data, staff: (
                    _fresh(parcel).carrier, _fresh(parcel).tracking_number) == ("yto", "YT9001"))


def labels() -> Case:
    parcel, _sku = _parcel()
    Shipment.objects.filter(pk=parcel.pk).update(carrier="sf", tracking_number="SF900000001")
    return Case(body={"shipment_ids": [parcel.pk]}, target=parcel, check=lambda data, staff: (
        _pdf(data, 1), _fresh(parcel).label_printed_at is not None)[1])


def packing_slips() -> Case:
    one, _sku = _parcel()
    two, _sku = _parcel()
    return Case(body={"shipment_ids": [one.pk, two.pk]}, check=lambda data, staff: _pdf(data, 2))
