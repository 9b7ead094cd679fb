"""Scan-to-pack: accepted scans fill the box, a wrong item or one unit too many is refused
and recorded, packing finishes only with every unit scanned and a plausible weight."""

import pytest
from django.db import transaction

from tests import factories
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment import carriers, packing, waves
from zhanggui.fulfillment.models import PackScan, Shipment, ShipmentLine
from zhanggui.fulfillment.rules_warehouse import MAX_PARCEL_GRAMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return factories.make_warehouse()


@pytest.fixture
def staff():
    return factories.make_staff("warehouse")


def _packed(parcel):
    return dict(ShipmentLine.objects.filter(shipment=parcel).values_list("sku__code",
                                                                         "packed_quantity"))


def test_scans_by_barcode_or_code_fill_the_box(warehouse, staff):
    shirt = stocked_sku(warehouse, barcode="6901234567892")
    mug = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 2), (mug, 1)])

    first = packing.scan(parcel, " 6901234567892 ", actor=staff)
    second = packing.scan(parcel, shirt.code, actor=staff)
    third = packing.scan(parcel, mug.code, actor=staff)

    assert [r.accepted for r in (first, second, third)] == [True, True, True]
    assert (third.packed, third.expected, third.complete) == (3, 3, True)
    assert _packed(parcel) == {shirt.code: 2, mug.code: 1}
    assert list(PackScan.objects.values_list("accepted", "sku_id", "scanned_by")) == [
        (True, shirt.pk, staff.pk), (True, shirt.pk, staff.pk), (True, mug.pk, staff.pk)]


def test_wrong_item_is_refused_and_recorded_and_nothing_else_changes(warehouse, staff):
    shirt, other = stocked_sku(warehouse), stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])

    for code in (other.code, "NO-SUCH-CODE"):
        result = packing.scan(parcel, code, actor=staff)
        assert (result.accepted, result.refusal) == (False, "wrong_item")
        assert isinstance(result.error, packing.WrongItem) and code in str(result.error)

    assert _packed(parcel) == {shirt.code: 0}
    assert list(PackScan.objects.values_list("code", "sku_id", "accepted", "refusal")) == [
        (other.code, other.pk, False, "wrong_item"), ("NO-SUCH-CODE", None, False, "wrong_item")]
    assert Shipment.objects.get(pk=parcel.pk).status == "pending"
    assert OperationLog.objects.filter(action="fulfillment.scan_refused").count() == 2


def test_the_refusal_record_survives_a_caller_that_rolls_back_on_the_error(warehouse, staff):
    shirt = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])
    packing.scan(parcel, shirt.code, actor=staff)
    with transaction.atomic():  # an API or console caller turning the refusal into an answer
        result = packing.scan(parcel, shirt.code, actor=staff)
    assert result.refusal == "already_packed"
    assert PackScan.objects.filter(accepted=False, refusal="already_packed").count() == 1
    assert _packed(parcel) == {shirt.code: 1}


def test_one_unit_too_many_is_refused(warehouse, staff):
    shirt = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 2)])
    assert packing.scan(parcel, shirt.code, actor=staff).accepted
    assert packing.scan(parcel, shirt.code, actor=staff).accepted
    over = packing.scan(parcel, shirt.code, actor=staff)
    assert (over.accepted, over.refusal, over.packed) == (False, "already_packed", 2)
    assert isinstance(over.error, packing.AlreadyPacked)
    assert _packed(parcel) == {shirt.code: 2}
    assert PackScan.objects.filter(accepted=False).count() == 1


def test_finish_needs_every_unit_and_a_plausible_weight(warehouse, staff):
    shirt, mug = stocked_sku(warehouse), stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1), (mug, 2)])
    packing.scan(parcel, shirt.code, actor=staff)
    packing.scan(parcel, mug.code, actor=staff)

    with pytest.raises(packing.PackingIncomplete) as refused:
        packing.finish_packing(parcel, weight_grams=800, actor=staff)
    assert "1" in str(refused.value)
    packing.scan(parcel, mug.code, actor=staff)
    for weight in (0, -5, None, MAX_PARCEL_GRAMS + 1):
        with pytest.raises(packing.InvalidWeight):
            packing.finish_packing(parcel, weight_grams=weight, actor=staff)
    assert Shipment.objects.get(pk=parcel.pk).status == "pending"

    packed = packing.finish_packing(parcel, weight_grams=850, actor=staff)

    assert (packed.status, packed.weight_grams, packed.packed_by) == ("packed", 850, staff)
    assert packed.packed_at is not None
    with pytest.raises(packing.NotPackable):
        packing.scan(parcel, shirt.code, actor=staff)
    with pytest.raises(packing.NotPackable):
        packing.finish_packing(parcel, weight_grams=850, actor=staff)
    assert OperationLog.objects.get(action="fulfillment.finish_packing").after["weight_grams"] == 850


def test_the_carrier_charge_is_quoted_from_the_default_service_rate_card(warehouse, staff):
    service = carriers.default_service()
    assert service is not None  # the example services
    shirt = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])
    packing.scan(parcel, shirt.code, actor=staff)
    packed = packing.finish_packing(parcel, weight_grams=2300, actor=staff)
    expected = carriers.quote(service, parcel.order.province_code, 2300)
    assert packed.cost_amount == expected and expected > 0
    assert (packed.service, packed.carrier) == (service, service.carrier)
    assert packing.unpack(packed, actor=staff).cost_amount is None


def test_the_last_parcel_packed_closes_its_wave_and_unpack_reopens_it(warehouse, staff):
    shirt = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])
    [wave] = waves.build_waves(actor=staff)
    waves.confirm_picked(wave, actor=staff)
    packing.scan(parcel, shirt.code, actor=staff)
    packing.finish_packing(parcel, weight_grams=200, actor=staff)
    wave.refresh_from_db()
    assert wave.status == "done"

    unpacked = packing.unpack(parcel, actor=staff)

    assert (unpacked.status, unpacked.weight_grams, unpacked.packed_at) == ("picking", None, None)
    assert _packed(parcel) == {shirt.code: 0}
    wave.refresh_from_db()
    assert wave.status == "picked"
    assert PackScan.objects.filter(shipment=parcel).count() == 1  # the history stays


def test_a_shipped_parcel_cannot_be_unpacked(warehouse, staff):
    shirt = stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 1)])
    Shipment.objects.filter(pk=parcel.pk).update(status="shipped")
    with pytest.raises(packing.NotPackable):
        packing.unpack(parcel, actor=staff)
