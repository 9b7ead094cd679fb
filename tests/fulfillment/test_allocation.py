"""Parcels from reviewed orders: routing, merge, split, shipping by parcel."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from zhanggui.fulfillment import allocation, rules, shipping
from zhanggui.fulfillment.errors import CannotMerge, InvalidSplit, ParcelNotWaiting
from zhanggui.fulfillment.models import (
    FulfillmentPolicy,
    RoutingReason,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    SplitPolicy,
)
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Reservation, Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, OrderLine


def _reviewed(customer, lines, province="330000") -> Order:
    order = order_actions.place_order(
        customer, lines=[order_actions.LineRequest(sku.pk, qty) for sku, qty in lines],
        recipient=factories.recipient(province), actor=None, shipping_amount=Decimal("0"))
    order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                 succeeded=True, actor=None)
    return order_actions.review_order(order, actor=None)


def _lines(order: Order) -> dict[int, int]:
    """Order line id → units in not-cancelled parcels."""
    units: dict[int, int] = {}
    for line in ShipmentLine.objects.filter(order_line__order=order).exclude(
            shipment__status=ShipmentStatus.CANCELLED):
        units[line.order_line_id] = units.get(line.order_line_id, 0) + line.quantity
    return units


def _reserved(order: Order) -> dict[tuple[int, int], int]:
    reserved: dict[tuple[int, int], int] = {}
    for r in Reservation.objects.filter(reference=f"order:{order.number}", status="active"):
        key = (r.stock.sku_id, r.stock.warehouse_id)
        reserved[key] = reserved.get(key, 0) + r.quantity
    return reserved


def _amounts(order: Order):
    order.refresh_from_db()
    return (order.total_amount, order.discount_amount, order.refunded_amount,
            sorted((line.pk, line.quantity, line.total_amount, tuple(sorted(line.allocations.items())))
                   for line in order.lines.all()))


@pytest.fixture
def shop(db):
    near = factories.make_warehouse("330000")  # Zhejiang, the buyers' province
    far = factories.make_warehouse("650000")  # Xinjiang
    skus = [factories.make_listed_sku() for _ in range(3)]
    for sku in skus:
        factories.stock_up(sku, near, 50)
        factories.stock_up(sku, far, 50)
    return near, far, skus


def test_a_reviewed_order_becomes_one_parcel_at_the_nearest_warehouse(shop):
    near, _far, skus = shop
    order = _reviewed(factories.make_customer(), [(skus[0], 2), (skus[1], 1)])
    assert allocation.allocate_orders(actor=None) == 1
    parcel = Shipment.objects.get()
    assert (parcel.warehouse, parcel.status, parcel.routing_reason) == (near, "pending", "whole")
    assert _lines(order) == {line.pk: line.quantity for line in order.lines.all()}
    assert allocation.allocate_orders(actor=None) == 0  # nothing twice


def test_placement_keeps_the_order_whole_when_one_warehouse_can(db):
    near, far = factories.make_warehouse("330000"), factories.make_warehouse("620000")
    a, b = factories.make_listed_sku(), factories.make_listed_sku()
    factories.stock_up(a, near, 5)
    factories.stock_up(a, far, 5)
    factories.stock_up(b, far, 5)  # only the far warehouse has both
    order = _reviewed(factories.make_customer(), [(a, 1), (b, 1)])
    assert {w for (_sku, w) in _reserved(order)} == {far.pk}


def test_an_order_no_warehouse_can_ship_whole_leaves_in_one_parcel_per_warehouse(db):
    east, west = factories.make_warehouse("330000"), factories.make_warehouse("510000")
    a, b = factories.make_listed_sku(), factories.make_listed_sku()
    factories.stock_up(a, east, 5)
    factories.stock_up(b, west, 5)
    order = _reviewed(factories.make_customer(), [(a, 2), (b, 3)])
    assert allocation.allocate_orders(actor=None) == 2
    parcels = Shipment.objects.order_by("warehouse_id")
    assert [p.warehouse for p in parcels] == [east, west]
    assert {p.routing_reason for p in parcels} == {RoutingReason.SPLIT_RESERVED}
    assert sum(_lines(order).values()) == 5


def test_unreserved_units_are_reserved_now_or_wait_per_policy(shop):
    near, far, skus = shop
    order = _reviewed(factories.make_customer(), [(skus[0], 3)])
    # Placement reserved the units; an imported order's units are not reserved:
    Reservation.objects.filter(reference=f"order:{order.number}").delete()
    Stock.objects.filter(sku=skus[0]).update(reserved=0)
    Stock.objects.filter(sku=skus[0], warehouse=near).update(on_hand=2)
    Stock.objects.filter(sku=skus[0], warehouse=far).update(on_hand=0)
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"split_policy": SplitPolicy.WAIT})
    assert allocation.allocate_orders(actor=None) == 0
    FulfillmentPolicy.objects.filter(pk=1).update(split_policy=SplitPolicy.SPLIT)
    assert allocation.allocate_orders(actor=None) == 1  # ship the 2 in stock now
    parcel = Shipment.objects.get()
    assert parcel.routing_reason == RoutingReason.SPLIT_STOCK
    assert sum(_lines(order).values()) == 2 and _reserved(order) == {(skus[0].pk, near.pk): 2}
    Stock.objects.filter(sku=skus[0], warehouse=far).update(on_hand=1)
    assert allocation.allocate_orders(actor=None) == 1  # the last unit, from the far warehouse
    assert sum(_lines(order).values()) == 3


def test_shipping_parcels_one_by_one_ships_the_order_after_the_last(db):
    east, west = factories.make_warehouse("330000"), factories.make_warehouse("510000")
    a, b = factories.make_listed_sku(), factories.make_listed_sku()
    factories.stock_up(a, east, 5)
    factories.stock_up(b, west, 5)
    order = _reviewed(factories.make_customer(), [(a, 2), (b, 3)])
    allocation.allocate_orders(actor=None)
    first, second = Shipment.objects.order_by("pk")
    shipping.ship_shipment(first, carrier="sf", tracking_number="SF001", actor=None)
    order.refresh_from_db()
    assert order.status == "reviewed"
    assert Stock.objects.get(sku=a, warehouse=east).on_hand == 3
    shipping.ship_shipment(second, carrier="zto", tracking_number="ZT001", actor=None)
    order.refresh_from_db()
    assert order.status == "shipped" and _reserved(order) == {}
    assert ledger_mismatches() == []


def test_merge_refuses_other_addresses_and_parcels_in_a_wave(shop):
    _near, _far, skus = shop
    customer = factories.make_customer()
    one = _reviewed(customer, [(skus[0], 1)])
    other = _reviewed(customer, [(skus[1], 1)], province="310000")  # another address
    allocation.allocate_orders(actor=None)
    parcels = list(Shipment.objects.order_by("pk"))
    with pytest.raises(CannotMerge):
        allocation.merge_shipments(parcels, actor=None)
    assert Shipment.objects.count() == 2 and _lines(one) and _lines(other)
    Shipment.objects.filter(pk=parcels[0].pk).update(status=ShipmentStatus.PACKED)
    with pytest.raises(ParcelNotWaiting):
        allocation.split_shipment(parcels[0], quantities={}, actor=None)


def test_split_to_another_warehouse_moves_the_reservation(shop):
    near, far, skus = shop
    order = _reviewed(factories.make_customer(), [(skus[0], 3), (skus[1], 1)])
    allocation.allocate_orders(actor=None)
    parcel = Shipment.objects.get()
    line = parcel.lines.get(sku=skus[0])
    with pytest.raises(InvalidSplit):
        allocation.split_shipment(parcel, quantities={line.pk: 4}, actor=None)
    Stock.objects.filter(sku=skus[0], warehouse=far).update(on_hand=0)
    with pytest.raises(InsufficientStock):
        allocation.split_shipment(parcel, quantities={line.pk: 2}, actor=None, warehouse=far)
    assert Shipment.objects.count() == 1 and _reserved(order)[(skus[0].pk, near.pk)] == 3
    Stock.objects.filter(sku=skus[0], warehouse=far).update(on_hand=50)
    new = allocation.split_shipment(parcel, quantities={line.pk: 2}, actor=None, warehouse=far)
    assert new.warehouse == far
    assert _reserved(order) == {(skus[0].pk, near.pk): 1, (skus[0].pk, far.pk): 2,
                                (skus[1].pk, near.pk): 1}
    assert ledger_mismatches() == []


@pytest.fixture
def big_shop(db):
    warehouse = factories.make_warehouse("330000")
    skus = [factories.make_listed_sku() for _ in range(3)]
    for sku in skus:
        factories.stock_up(sku, warehouse, 10_000)
    return skus


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(baskets=st.lists(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)),
                                 min_size=1, max_size=3), min_size=2, max_size=3),
       auto=st.booleans())
def test_merge_then_split_returns_the_same_lines_amounts_and_reservations(big_shop, baskets, auto):
    skus = big_shop
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"auto_merge": auto})
    customer = factories.make_customer()
    orders = [_reviewed(customer, [(skus[i], q) for i, q in basket]) for basket in baskets]
    before = {o.pk: (_reserved(o), _amounts(o)) for o in orders}
    allocation.allocate_orders(orders, actor=None)
    parcels = Shipment.objects.filter(order__customer=customer).exclude(status="cancelled")
    if not auto:
        assert parcels.count() == len(orders)
        allocation.merge_shipments(parcels, actor=None)
    merged = parcels.get()
    assert merged.routing_reason == RoutingReason.MERGED
    # Split the merged parcel back, one order at a time.
    for order in orders[1:]:
        take = {line.pk: line.quantity for line in merged.lines.filter(order_line__order=order)}
        allocation.split_shipment(merged, quantities=take, actor=None)
    assert parcels.count() == len(orders)
    for order in orders:
        reserved, amounts = before[order.pk]
        allocated = {line.pk: line.quantity for line in OrderLine.objects.filter(order=order)}
        assert _lines(order) == allocated
        assert _reserved(order) == reserved and _amounts(order) == amounts
        # each order whole again, alone in one parcel
        assert Shipment.objects.filter(lines__order_line__order=order).distinct().count() == 1
    assert ledger_mismatches() == []


def test_plan_parcels_places_every_unit_it_can_and_no_more():
    lines = [rules.OpenLine(1, 10, 3), rules.OpenLine(2, 11, 2)]
    plan = rules.plan_parcels(lines, {(10, 1): 2, (10, 2): 5, (11, 1): 1})
    assert [(p.warehouse_id, p.lines) for p in plan.parcels] == [(1, {2: 1}), (2, {1: 3})]
    placed = {}
    for parcel in plan.parcels:
        for line_id, units in parcel.lines.items():
            placed[line_id] = placed.get(line_id, 0) + units
    assert placed[1] == 3 and placed[2] == 1 and plan.unplaced == {2: 1}
    whole = rules.plan_parcels(lines, {(10, 1): 3, (11, 1): 2, (10, 2): 9, (11, 2): 9})
    assert [p.warehouse_id for p in whole.parcels] == [1]


@given(lines=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 6)), min_size=1, max_size=5),
       free=st.dictionaries(st.tuples(st.integers(1, 4), st.integers(1, 3)), st.integers(1, 8),
                            max_size=8))
def test_plan_parcels_never_places_more_than_is_free_or_asked(lines, free):
    open_lines = [rules.OpenLine(i, sku, units) for i, (sku, units) in enumerate(lines)]
    plan = rules.plan_parcels(open_lines, free)
    used: dict[tuple[int, int], int] = {}
    for parcel in plan.parcels:
        for line_id, units in parcel.lines.items():
            key = (parcel.skus[line_id], parcel.warehouse_id)
            used[key] = used.get(key, 0) + units
    assert all(units <= free[key] for key, units in used.items())
    for line in open_lines:
        placed = sum(p.lines.get(line.line_id, 0) for p in plan.parcels)
        assert placed + plan.unplaced.get(line.line_id, 0) == line.remaining


def test_split_quantities_refuses_empty_or_whole_splits():
    assert rules.split_quantities({1: 3, 2: 1}, {1: 1}) == ({1: 2, 2: 1}, {1: 1})
    for bad in ({}, {1: 3, 2: 1}, {1: 4}, {3: 1}, {1: 0}):
        with pytest.raises(ValueError):
            rules.split_quantities({1: 3, 2: 1}, bad)


def test_a_cancelled_order_leaves_the_parcels_still_in_the_warehouse(big_shop):
    from zhanggui.aftersales import actions as aftersales_actions

    skus = big_shop
    customer = factories.make_customer()
    kept = _reviewed(customer, [(skus[0], 1)])
    refunded = _reviewed(customer, [(skus[1], 2)])
    alone = _reviewed(factories.make_customer(), [(skus[2], 1)])
    allocation.allocate_orders(actor=None)
    allocation.merge_shipments(Shipment.objects.filter(order__customer=customer), actor=None)
    for order in (refunded, alone):
        aftersales_actions.issue_refund(order, amount=order.total_amount, reason="买家取消",
                                        actor=None)
        order.refresh_from_db()
        assert order.status == "cancelled"
    assert allocation.allocate_orders(actor=None) == 0
    merged = Shipment.objects.exclude(status="cancelled").get(order__customer=customer)
    assert set(merged.lines.values_list("order_line__order", flat=True)) == {kept.pk}
    assert Shipment.objects.get(order=alone).status == ShipmentStatus.CANCELLED
    shipping.ship_shipment(merged, carrier="sf", tracking_number="SF0099", actor=None)
    kept.refresh_from_db()
    assert kept.status == "shipped" and ledger_mismatches() == []
