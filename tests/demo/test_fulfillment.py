"""The demo store's fulfillment: the parcels of the history (carrier services, weights,
charges, collection, promises, tracking events) keep the invariants the actions keep, and
its "today" — held orders, tasks, waves, packed parcels, abnormal parcels — is what the
workbench and the logistics report show."""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.db.models import Q, Sum
from django.test import RequestFactory

from tests.demo.conftest import TODAY
from zhanggui.accounts.models import Staff
from zhanggui.analytics import logistics, warehouse
from zhanggui.analytics.rules import Period
from zhanggui.demo.context import Clock, SeedOptions
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.models import (
    Carrier,
    CarrierService,
    PackScan,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    Wave,
    WaveStatus,
)
from zhanggui.fulfillment.rules_tracking import Track, fold
from zhanggui.fulfillment.shipping import LEFT
from zhanggui.fulfillment.tasks_kinds import DELIVERY_FAILED, PARCEL_NOT_COLLECTED, TRACKING_STALLED
from zhanggui.fulfillment.waves import pick_list
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders.models import Order, OrderHold, OrderLine, OrderStatus
from zhanggui.orders.rules import SHIPPED_STATES
from zhanggui.orders.tasks_kinds import ORDER_HELD
from zhanggui.tasks.models import Task, TaskStatus

S = ShipmentStatus
CLOCK = Clock.for_options(SeedOptions(today=TODAY))


def _units(parcels_q: Q) -> dict[int, int]:
    return dict(ShipmentLine.objects.filter(parcels_q).values("order_line_id")
                .annotate(units=Sum("quantity")).values_list("order_line_id", "units"))


# ---- invariants ------------------------------------------------------------------------------

def test_every_shipped_orders_units_are_in_parcels_that_left(store):
    left = _units(Q(shipment__status__in=LEFT))
    lines = OrderLine.objects.filter(order__status__in=SHIPPED_STATES)
    assert lines.exists()
    for line_id, quantity in lines.values_list("pk", "quantity"):
        assert left.get(line_id) == quantity, line_id


def test_parcels_lines_add_up_to_the_order_lines(store):
    placed = _units(~Q(shipment__status=S.CANCELLED))
    for line_id, quantity, status in OrderLine.objects.values_list("pk", "quantity",
                                                                   "order__status"):
        if status in (*SHIPPED_STATES, OrderStatus.REVIEWED):  # reviewed: allocated today
            assert placed.get(line_id) == quantity, line_id
        else:
            assert line_id not in placed, line_id
    orders, buyers = defaultdict(set), defaultdict(set)
    for parcel_id, order_id, buyer in ShipmentLine.objects.values_list(
            "shipment_id", "order_line__order_id", "order_line__order__customer_id"):
        orders[parcel_id].add(order_id)
        buyers[parcel_id].add(buyer)
    first = dict(Shipment.objects.values_list("pk", "order_id"))
    assert set(orders) == set(first)  # no parcel without lines
    assert all(first[parcel] in ids for parcel, ids in orders.items())
    assert all(len(ids) == 1 for ids in buyers.values())  # one buyer a parcel


def test_tracking_events_belong_to_their_parcels_carrier_and_explain_its_state(store):
    events = defaultdict(list)
    for event in TrackingEvent.objects.select_related("shipment").order_by("occurred_at", "id"):
        assert event.carrier == event.shipment.carrier
        assert event.occurred_at <= CLOCK.now
        events[event.shipment_id].append((event.kind, event.occurred_at, event.description))
    assert len(events) > 100
    for parcel in Shipment.objects.filter(status__in=LEFT):
        track = fold(Track(status=S.SHIPPED), events[parcel.pk])
        assert (track.status, track.issue, track.collected_at, track.last_event_at,
                track.delivered_at, track.failed_at) == (
            parcel.status, parcel.issue, parcel.collected_at, parcel.last_event_at,
            parcel.delivered_at, parcel.failed_at), parcel.pk


def test_every_parcel_that_left_has_its_service_weight_charge_and_promise(store):
    services = {s.pk: s for s in carriers.active_services()}
    parcels = list(Shipment.objects.filter(status__in=LEFT).select_related("order"))
    assert Counter(p.carrier for p in parcels).keys() <= set(Carrier.values)
    for parcel in parcels:
        service = services[parcel.service_id]
        assert service.carrier == parcel.carrier
        assert parcel.weight_grams > 0 and parcel.tracking_number
        assert parcel.cost_amount == carriers.quote(service, parcel.order.province_code,
                                                    parcel.weight_grams)
        assert parcel.shipped_at < parcel.promised_at
        assert parcel.collected_at is None or parcel.collected_at >= parcel.shipped_at


def test_the_stock_ledger_explains_every_stock_row(store):
    assert ledger_mismatches() == []


def test_delivered_orders_have_their_parcels_arrived(store):
    for order in Order.objects.filter(status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED]):
        statuses = set(order.shipments.values_list("status", flat=True))
        assert statuses and statuses <= {S.DELIVERED, S.FAILED}, order.number
        # a parcel that failed for good arrived damaged or got lost: the buyer asked for money
        if S.FAILED in statuses:
            assert order.aftersales_requests.filter(reason_code__in=["damaged", "not_received"])


# ---- today -----------------------------------------------------------------------------------

def test_held_orders_say_why_and_have_an_open_task(store):
    held = list(Order.objects.filter(is_held=True))
    assert len(held) >= 4
    assert all(order.status == OrderStatus.PAID for order in held)
    kinds = set(OrderHold.objects.filter(released_at=None).values_list("kind", flat=True))
    assert {"buyer_note", "remote_region", "amount_above", "repeat_address"} <= kinds
    open_tasks = set(Task.objects.filter(kind=ORDER_HELD, status=TaskStatus.OPEN)
                     .values_list("subject_id", flat=True))
    assert {str(order.pk) for order in held} == open_tasks


def test_today_has_picking_waves_packed_parcels_and_a_refused_scan(store):
    picking = list(Wave.objects.filter(status=WaveStatus.PICKING))
    assert 1 <= len(picking) <= 2
    for wave in picking:
        rows = pick_list(wave)
        assert rows and sum(row.quantity for row in rows) == ShipmentLine.objects.filter(
            shipment__wave=wave).aggregate(n=Sum("quantity"))["n"]
    packed = list(Shipment.objects.filter(status=S.PACKED).select_related("service"))
    assert packed
    for parcel in packed:
        service = parcel.service
        number = int(parcel.tracking_number.removeprefix(service.waybill_prefix))
        assert number < service.waybill_next <= service.waybill_last
        assert parcel.weight_grams > 0 and parcel.cost_amount is not None
    assert PackScan.objects.filter(accepted=False, refusal="wrong_item").exists()
    assert Shipment.objects.filter(status=S.PENDING, wave=None).exists()


def test_abnormal_parcels_are_open_tasks_and_overdue_ones_went_to_the_owner(store):
    open_by_kind = Counter(Task.objects.filter(status=TaskStatus.OPEN)
                           .values_list("kind", flat=True))
    assert open_by_kind[PARCEL_NOT_COLLECTED] >= 2
    assert open_by_kind[TRACKING_STALLED] == 2  # the showcases: the history scans daily
    assert open_by_kind[DELIVERY_FAILED] >= 1
    for task in Task.objects.filter(kind=PARCEL_NOT_COLLECTED, status=TaskStatus.OPEN):
        parcel = Shipment.objects.get(pk=task.subject_id)
        assert parcel.status == S.SHIPPED and parcel.collected_at is None
        assert parcel.shipped_at <= CLOCK.now - timedelta(hours=24)
    for task in Task.objects.filter(kind=TRACKING_STALLED, status=TaskStatus.OPEN):
        parcel = Shipment.objects.get(pk=task.subject_id)
        assert parcel.status == S.IN_TRANSIT
        assert parcel.last_event_at <= CLOCK.now - timedelta(hours=72)
    owner = Staff.objects.get(username="owner")
    for role in ("warehouse", "service"):
        assert Staff.objects.get(username=role).lead == owner
    escalated = Task.objects.filter(status=TaskStatus.OPEN, escalation_level__gte=1)
    assert escalated.exists() and set(escalated.values_list("escalated_to", flat=True)) == {
        owner.pk}
    assert all(task.due_at < CLOCK.now for task in escalated)


def test_the_live_day_keeps_the_demo_clock(store):
    """Every action of the live phase stamped the demo's time, never the wall clock."""
    for model, field in ((Task, "opened_at"), (Shipment, "updated_at"), (Wave, "created_at"),
                         (PackScan, "scanned_at"), (OrderHold, "created_at")):
        latest = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
        assert latest is not None and latest <= CLOCK.now, model


def _todos(username: str) -> dict[str, int]:
    from zhanggui.console.workbench.view import workbench_context

    request = RequestFactory().get("/")
    request.user = Staff.objects.get(username=username)
    context = workbench_context(request, now=CLOCK.now)["workbench"]
    return {item.todo.code: item.count for item in (*context["todos"], *context["done"])}


@pytest.mark.parametrize(("role", "codes"), [
    ("warehouse", ("waves_to_pick", "parcels_to_pick", "parcels_picking", "parcels_packed",
                   "parcels_not_collected")),
    ("service", ("held_orders", "parcels_tracking_stalled", "parcels_delivery_failed",
                 "tasks_mine", "tasks_mine_overdue")),
])
def test_the_workbench_has_work_for_warehouse_and_service(store, role, codes):
    todos = _todos(role)
    for code in codes:
        assert todos.get(code, 0) > 0, (role, code, todos)


def test_the_logistics_report_gives_rates_in_the_expected_bands(store, warehouse_dir):
    warehouse.rebuild()
    year = Period("current", TODAY - timedelta(days=364), TODAY)
    report = logistics.logistics(year)
    kpis = {kpi["code"]: kpi["value"] for kpi in report.kpis}
    assert 0.90 <= kpis["ship_within_48h_rate"] <= 0.99
    assert 0.85 <= kpis["on_time_delivery_rate"] <= 0.96
    assert 0.002 <= kpis["damage_loss_rate"] <= 0.015
    assert kpis["logistics_cost_per_parcel"] > 0 and kpis["logistics_cost_per_kg"] > 0
    assert 0 < kpis["logistics_cost_share"] < 0.2
    assert CarrierService.objects.filter(carrier=Carrier.STO).exists()
