"""Waves: which parcels go together, cut-off and size, picking, taking a parcel out,
cancelling; the pick list walks the bins in natural order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.fulfillment.support import parcel_of, reviewed_order, stocked_sku
from zhanggui.accounts.models import OperationLog
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment import packing, waves
from zhanggui.fulfillment.models import (
    CarrierService,
    FulfillmentPolicy,
    Shipment,
    Wave,
)
from zhanggui.inventory.models import Warehouse
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return factories.make_warehouse()


@pytest.fixture
def staff():
    return factories.make_staff("warehouse")


@pytest.fixture(autouse=True)
def no_default_service(db):
    """Parcels without a carrier keep none (the example services' default is taken off)."""
    CarrierService.objects.update(is_default=False)


def _status(*shipments):
    return [Shipment.objects.get(pk=s.pk).status for s in shipments]


def test_waves_group_by_warehouse_carrier_and_kind(warehouse, staff):
    other = factories.make_warehouse("510000")
    a, b = stocked_sku(warehouse), stocked_sku(warehouse)
    c = stocked_sku(other)
    single = parcel_of([(a, 1)])
    multi_units = parcel_of([(a, 2)])
    multi_lines = parcel_of([(a, 1), (b, 1)])
    elsewhere = parcel_of([(c, 1)])
    Shipment.objects.filter(pk=multi_lines.pk).update(carrier="zto")

    built = waves.build_waves(actor=staff)

    groups = {(w.warehouse_id, w.carrier, w.kind): set(w.shipments.values_list("id", flat=True))
              for w in built}
    assert groups == {
        (warehouse.pk, "", "single"): {single.pk},
        (warehouse.pk, "", "multi"): {multi_units.pk},
        (warehouse.pk, "zto", "multi"): {multi_lines.pk},
        (other.pk, "", "single"): {elsewhere.pk},
    }
    assert set(_status(single, multi_units, multi_lines, elsewhere)) == {"picking"}
    assert all(w.created_by == staff and w.status == "picking" for w in built)
    assert OperationLog.objects.filter(action="fulfillment.build_wave").count() == 4


def test_wave_numbers_are_of_the_day_and_unique(warehouse, staff):
    sku = stocked_sku(warehouse)
    for _ in range(3):
        parcel_of([(sku, 1)])
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"wave_size": 1})
    first = waves.build_waves(actor=staff, max_parcels=2)
    second = waves.build_waves(actor=staff)
    day = timezone.localdate().strftime("%y%m%d")
    numbers = [w.number for w in [*first, *second]]
    assert sorted(numbers) == [f"W{day}0001", f"W{day}0002", f"W{day}0003"]


def test_parcels_without_a_carrier_take_the_default_service_carrier(warehouse, staff):
    CarrierService.objects.update_or_create(carrier="sf", level="express",
                                            defaults={"name": "顺丰特快", "is_default": True})
    parcel = parcel_of([(stocked_sku(warehouse), 1)])
    [wave] = waves.build_waves(actor=staff)
    assert wave.carrier == "sf" and list(wave.shipments.all()) == [parcel]


def test_filters_carrier_kind_and_warehouse(warehouse, staff):
    other = factories.make_warehouse("510000")
    sku, far = stocked_sku(warehouse), stocked_sku(other)
    single, multi, elsewhere = parcel_of([(sku, 1)]), parcel_of([(sku, 3)]), parcel_of([(far, 1)])
    Shipment.objects.filter(pk=single.pk).update(carrier="sf")

    assert waves.build_waves(actor=staff, carrier="zto") == []
    assert waves.build_waves(actor=staff, kind="multi", warehouse=other) == []
    [wave] = waves.build_waves(actor=staff, kind="multi")
    assert list(wave.shipments.all()) == [multi]
    [wave] = waves.build_waves(actor=staff, warehouse=warehouse)
    assert list(wave.shipments.all()) == [single] and wave.carrier == "sf"
    assert _status(elsewhere) == ["pending"]


def test_cut_off_takes_only_orders_paid_before_it(warehouse, staff):
    sku = stocked_sku(warehouse)
    early, late = parcel_of([(sku, 1)]), parcel_of([(sku, 1)])
    now = timezone.now()
    Order.objects.filter(pk=early.order_id).update(paid_at=now - timedelta(hours=3))
    Order.objects.filter(pk=late.order_id).update(paid_at=now - timedelta(minutes=5))

    [wave] = waves.build_waves(actor=staff, cutoff_at=now - timedelta(hours=1))

    assert list(wave.shipments.all()) == [early] and wave.cutoff_at
    assert _status(early, late) == ["picking", "pending"]


def test_waves_are_cut_at_the_policy_size_oldest_paid_first(warehouse, staff):
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"wave_size": 2})
    sku = stocked_sku(warehouse)
    parcels = [parcel_of([(sku, 1)]) for _ in range(5)]
    now = timezone.now()
    for age, parcel in enumerate(parcels):  # the last placed was paid first
        Order.objects.filter(pk=parcel.order_id).update(paid_at=now - timedelta(minutes=age))

    built = waves.build_waves(actor=staff, max_parcels=4)

    assert [w.shipments.count() for w in built] == [2, 2]
    taken = set(Shipment.objects.filter(wave__isnull=False).values_list("id", flat=True))
    assert taken == {p.pk for p in parcels[1:]}
    assert _status(parcels[0]) == ["pending"]


def test_only_pending_parcels_of_reviewed_orders_outside_drop_ship(warehouse, staff):
    sku = stocked_sku(warehouse)
    drop = factories.make_warehouse("110000")
    Warehouse.objects.filter(pk=drop.pk).update(kind="drop_ship")
    dropped = parcel_of([(stocked_sku(drop), 1)])
    packed = parcel_of([(sku, 1)])
    Shipment.objects.filter(pk=packed.pk).update(status="packed")
    paid_only = factories.make_order(sku=sku, status="paid")

    assert waves.build_waves(actor=staff) == []
    assert _status(dropped, packed) == ["pending", "packed"]
    assert not paid_only.shipments.exists()


def test_reviewed_orders_without_parcels_get_them_when_waves_are_built(warehouse, staff):
    order = reviewed_order([(stocked_sku(warehouse), 2)])
    assert not order.shipments.exists()
    [wave] = waves.build_waves(actor=staff)
    assert wave.shipments.get().order == order


def test_a_parcel_in_a_wave_is_not_taken_again(warehouse, staff):
    sku = stocked_sku(warehouse)
    parcel = parcel_of([(sku, 1)])
    [wave] = waves.build_waves(actor=staff)
    assert waves.build_waves(actor=staff) == []
    parcel.refresh_from_db()
    assert parcel.wave == wave


def test_confirm_picked_once(warehouse, staff):
    parcel_of([(stocked_sku(warehouse), 1)])
    [wave] = waves.build_waves(actor=staff)
    wave = waves.confirm_picked(wave, actor=staff)
    assert wave.status == "picked" and wave.picked_by == staff and wave.picked_at
    with pytest.raises(InvalidTransition):
        waves.confirm_picked(wave, actor=staff)


def test_remove_a_parcel_from_its_wave(warehouse, staff):
    sku = stocked_sku(warehouse)
    kept, removed = parcel_of([(sku, 1)]), parcel_of([(sku, 1)])
    [wave] = waves.build_waves(actor=staff)
    packing.scan(removed, sku.code, actor=staff)

    waves.remove_from_wave(removed, actor=staff)

    removed.refresh_from_db()
    assert (removed.status, removed.wave) == ("pending", None)
    assert removed.lines.get().packed_quantity == 0
    assert list(wave.shipments.all()) == [kept]
    entry = OperationLog.objects.get(action="fulfillment.remove_from_wave")
    assert entry.before["wave"] == wave.number and entry.actor == staff
    with pytest.raises(waves.NotInWave):
        waves.remove_from_wave(removed, actor=staff)


def test_cancel_a_wave_puts_every_parcel_back(warehouse, staff):
    sku = stocked_sku(warehouse)
    parcels = [parcel_of([(sku, 1)]) for _ in range(3)]
    [wave] = waves.build_waves(actor=staff)

    assert waves.cancel_wave(wave, actor=staff) == 3

    assert set(_status(*parcels)) == {"pending"}
    assert not Wave.objects.filter(pk=wave.pk).exists()
    assert not Shipment.objects.filter(wave__isnull=False).exists()
    entry = OperationLog.objects.get(action="fulfillment.cancel_wave")
    assert entry.before["number"] == wave.number and sorted(entry.before["parcels"]) == sorted(
        p.pk for p in parcels)
    assert len(waves.build_waves(actor=staff)) == 1  # they can go in a new wave


def test_a_wave_with_a_packed_parcel_cannot_be_cancelled(warehouse, staff):
    sku = stocked_sku(warehouse)
    parcel = parcel_of([(sku, 1)])
    [wave] = waves.build_waves(actor=staff)
    packing.scan(parcel, sku.code, actor=staff)
    packing.finish_packing(parcel, weight_grams=300, actor=staff)
    with pytest.raises(waves.WaveHasPackedParcels):
        waves.cancel_wave(wave, actor=staff)
    assert _status(parcel) == ["packed"] and Wave.objects.filter(pk=wave.pk).exists()


def test_pick_list_walks_bins_in_natural_order_with_a_slot_per_parcel(warehouse, staff):
    a10 = stocked_sku(warehouse, bin_location="A-10")
    a2 = stocked_sku(warehouse, bin_location="A-2")
    b1 = stocked_sku(warehouse, bin_location="B-1")
    nowhere = stocked_sku(warehouse)
    first = parcel_of([(a10, 2), (nowhere, 1)])
    second = parcel_of([(a2, 1), (a10, 1), (b1, 3)])
    [wave] = waves.build_waves(actor=staff)

    rows = waves.pick_list(wave)

    assert [(r.bin_location, r.sku_id, r.quantity) for r in rows] == [
        ("A-2", a2.pk, 1), ("A-10", a10.pk, 3), ("B-1", b1.pk, 3), ("", nowhere.pk, 1)]
    slot = {first.pk: 1, second.pk: 2}
    assert rows[1].slots == [(slot[first.pk], first.pk, 2), (slot[second.pk], second.pk, 1)]
    assert rows[0].title.startswith(a2.product.title)
