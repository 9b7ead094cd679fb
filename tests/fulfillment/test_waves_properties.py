"""Properties of waves and pick lists: the pure grouping keeps every unit, bins sort
naturally, and a wave never picks more than its parcels' lines reserve."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests import factories
from tests.fulfillment.support import reviewed_order, stocked_sku
from zhanggui.fulfillment import rules_warehouse as rules
from zhanggui.fulfillment import waves
from zhanggui.fulfillment.models import FulfillmentPolicy, Shipment, ShipmentLine
from zhanggui.inventory.models import Reservation
from zhanggui.orders.actions import reservation_reference

pick_inputs = st.lists(st.builds(
    rules.PickInput, shipment_id=st.integers(1, 8), sku_id=st.integers(1, 5),
    sku_code=st.just("X"), title=st.just(""), quantity=st.integers(1, 9),
    bin_location=st.sampled_from(["", "A-2", "A-10", "b-1", "B-01-3"])), max_size=30)


@given(pick_inputs)
def test_pick_rows_keep_every_unit_in_bin_order(lines):
    rows = rules.pick_rows(lines)
    per_sku = Counter()
    for line in lines:
        per_sku[line.sku_id] += line.quantity
    assert Counter({sku: sum(r.quantity for r in rows if r.sku_id == sku) for sku in per_sku}) \
        == per_sku
    for row in rows:
        assert sum(units for _slot, _parcel, units in row.slots) == row.quantity
        assert len({parcel for _slot, parcel, _units in row.slots}) == len(row.slots)
    keys = [rules.bin_sort_key(row.bin_location) for row in rows]
    assert keys == sorted(keys)
    slots = rules.parcel_slots(line.shipment_id for line in lines)
    assert sorted(slots.values()) == list(range(1, len(slots) + 1))


@given(st.text(alphabet="AB-", min_size=1, max_size=3), st.integers(0, 999), st.integers(0, 999))
def test_bins_sort_by_number_not_by_text(prefix, low, high):
    low, high = sorted((low, high))
    assert rules.bin_sort_key(f"{prefix}{low}") <= rules.bin_sort_key(f"{prefix}{high}")
    assert rules.bin_sort_key(f"{prefix}{high}") < rules.bin_sort_key("")


def test_natural_order_examples():
    bins = ["A-10", "", "A-2", "a-3", "B-1", "A-2-10", "A-2-9"]
    assert sorted(bins, key=rules.bin_sort_key) == ["A-2", "A-2-9", "A-2-10", "a-3", "A-10",
                                                    "B-1", ""]


orders = st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), min_size=1,
                           max_size=3), min_size=1, max_size=6)


class TestWaveNeverPicksMoreThanReserved(TestCase):
    @settings(max_examples=12, deadline=None)
    @given(orders, st.integers(1, 4))
    def test_pick_quantities_equal_lines_equal_reservations(self, order_lines, wave_size):
        FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"wave_size": wave_size})
        warehouses = [factories.make_warehouse("330000"), factories.make_warehouse("510000")]
        skus = [stocked_sku(warehouses[i % 2], 500, bin_location=f"A-{i}") for i in range(4)]
        placed = []
        for lines in order_lines:
            demand = Counter()
            for index, units in lines:
                demand[index] += units
            placed.append(reviewed_order([(skus[i], units) for i, units in demand.items()]))

        built = waves.build_waves(actor=None)

        assert not Shipment.objects.filter(wave__isnull=True).exists()
        assert all(w.shipments.count() <= wave_size for w in built)
        for wave in built:
            picked = Counter()
            for row in waves.pick_list(wave):
                picked[row.sku_id] += row.quantity
            lines = Counter()
            for sku_id, quantity in ShipmentLine.objects.filter(shipment__wave=wave).values_list(
                    "sku_id", "quantity"):
                lines[sku_id] += quantity
            references = [reservation_reference(s.order) for s in wave.shipments.all()]
            reserved = Counter()
            for sku_id, quantity in Reservation.objects.filter(
                    reference__in=references, status="active",
                    stock__warehouse=wave.warehouse).values_list("stock__sku_id", "quantity"):
                reserved[sku_id] += quantity
            assert picked == lines == reserved
