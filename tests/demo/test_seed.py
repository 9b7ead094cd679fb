"""The demo store, seeded once at a small scale, keeps every invariant the actions enforce."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Min, Sum
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tests.demo.conftest import FAST_HASHERS, SCALE, TODAY
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.accounts.roles import Role
from zhanggui.aftersales.models import (
    AftersalesLine,
    AftersalesRequest,
    Disposition,
    Refund,
    RequestStatus,
)
from zhanggui.catalog.models import Category, Product, Sku
from zhanggui.catalog.queries import attribute_definitions_for
from zhanggui.catalog.rules import attribute_problems, option_problems
from zhanggui.core.money import ZERO, to_money
from zhanggui.customers.models import Customer
from zhanggui.customers.rules import is_valid_phone
from zhanggui.demo.data_people import DEMO_PASSWORD
from zhanggui.demo.management.commands import demo as demo_command
from zhanggui.fulfillment.models import Shipment, ShipmentStatus
from zhanggui.fulfillment.shipping import LEFT
from zhanggui.inventory.models import (
    MovementKind,
    Reservation,
    ReservationStatus,
    Stock,
    StockMovement,
)
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders.models import Order, OrderLine, OrderStatus, Payment, PaymentStatus
from zhanggui.orders.rules import PAID_STATES, SHIPPED_STATES, order_total, price_lines

S = OrderStatus
PATH = (S.PAID, S.REVIEWED, S.SHIPPED, S.DELIVERED, S.COMPLETED)
PATH_FIELDS = ("placed_at", "paid_at", "reviewed_at", "shipped_at", "delivered_at", "completed_at")


def _orders():
    return list(Order.objects.prefetch_related("lines__sku__product", "payments"))


def test_seed_prints_phases_total_time_and_every_login(store):
    assert "stock simulation" in store and "operation log written" in store
    assert "Seeded in" in store and DEMO_PASSWORD in store
    for role in Role.values:
        assert f"  {role} " in store


def test_seeding_twice_is_refused(store):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", SCALE, stdout=StringIO())


def test_demo_command_keeps_a_seeded_store_and_prints_the_logins(store, monkeypatch):
    monkeypatch.setattr(demo_command, "collect_static", lambda: None)
    orders = Order.objects.count()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "not seeding" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    assert Order.objects.count() == orders


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_each_demo_login_signs_in_with_the_printed_password_in_its_role_group(store):
    request = RequestFactory().post("/login/")  # the login throttle needs the request
    for role in Role.values:
        staff = authenticate(request, username=role, password=DEMO_PASSWORD)
        assert staff is not None, role
        assert staff.is_staff and staff.is_active
        assert list(staff.groups.values_list("name", flat=True)) == [role]
        assert staff.display_name and not staff.display_name.isascii()
    assert authenticate(request, username="owner", password="wrong-password") is None


def test_category_tree_has_three_levels_and_products_sit_on_leaves(store):
    for category in Category.objects.select_related("parent__parent"):
        chain = category.ancestors()
        assert category.level == len(chain) + 1 <= 3
    leaves = Category.objects.filter(level=3)
    assert leaves.count() >= 15
    assert not Product.objects.exclude(category__level=3).exists()
    tops = Category.objects.filter(level=1).annotate(n=Count("attribute_definitions"))
    assert all(top.n > 0 for top in tops)
    assert {c.name for c in tops} >= {"服装", "美妆", "食品", "数码", "家居"}


def test_product_attributes_and_sku_options_are_valid(store):
    for product in Product.objects.select_related("category").prefetch_related("skus"):
        definitions = attribute_definitions_for(product.category)
        assert attribute_problems(definitions, product.attributes) == [], product.code
        assert product.skus.exists()
        for sku in product.skus.all():
            assert option_problems(product.option_names, sku.option_values) == []


def test_sku_prices_are_round_and_costs_between_30_and_70_percent(store):
    for sku in Sku.objects.all():
        assert sku.price_amount > 0
        assert sku.price_amount * 30 / 100 <= sku.cost_amount <= sku.price_amount * 70 / 100
        assert sku.price_amount * 10 % 1 == 0  # 59.00, 129.00, 29.90


def test_listing_status_mostly_listed_and_delisted_products_have_a_reason(store):
    counts = Counter(Product.objects.values_list("status", flat=True))
    assert counts["listed"] > counts["delisted"] + counts["draft"]
    assert not Product.objects.filter(status="delisted", status_reason="").exists()


def test_orders_only_buy_products_while_they_are_listed(store):
    windows: dict[int, list] = defaultdict(lambda: [None, None])
    for entry in OperationLog.objects.filter(action="catalog.set_listing_status"):
        windows[int(entry.object_id)][entry.after["status"] != "listed"] = entry.created_at
    for line in OrderLine.objects.select_related("order", "sku"):
        listed, delisted = windows[line.sku.product_id]
        assert listed is not None and listed <= line.order.placed_at
        assert delisted is None or line.order.placed_at < delisted
    assert not OrderLine.objects.filter(sku__product__status="draft").exists()


def test_every_order_state_is_present_and_pending_ones_are_recent(store):
    assert set(Order.objects.values_list("status", flat=True)) == set(S.values)
    now = datetime.combine(TODAY, time(20, 30), tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert Order.objects.latest("placed_at").placed_at < now
    for order in Order.objects.filter(status=S.PENDING_PAYMENT):
        assert now - order.placed_at <= timedelta(minutes=30)


def test_order_amounts_follow_the_pricing_rules_and_lines_snapshot_the_sku(store):
    for order in _orders():
        lines = list(order.lines.all())
        assert [li.sku_id for li in lines] == sorted(li.sku_id for li in lines)
        priced = price_lines([(li.quantity, li.unit_price_amount) for li in lines],
                             order.discount_amount)
        for line, expected in zip(lines, priced, strict=True):
            assert (line.discount_amount, line.total_amount) == (
                expected.discount_amount, expected.total_amount)
            sku = line.sku
            assert (line.product_title, line.sku_code, line.option_values) == (
                sku.product.title, sku.code, sku.option_values)
            assert (line.unit_price_amount, line.unit_cost_amount) == (
                sku.price_amount, sku.cost_amount)
            assert line.returned_quantity <= line.quantity
        goods = sum((to_money(li.unit_price_amount * li.quantity) for li in lines), ZERO)
        assert order.goods_amount == goods
        assert order.total_amount == order_total(goods, order.discount_amount,
                                                 order.shipping_amount)


def _check_payments(order) -> None:
    payments = sorted(order.payments.all(), key=lambda p: (p.created_at, p.pk))
    succeeded = [p for p in payments if p.status == PaymentStatus.SUCCEEDED]
    for payment in payments:
        assert order.placed_at <= payment.created_at
        assert (payment.failure_reason != "") == (payment.status == PaymentStatus.FAILED)
    if order.paid_at is None:
        assert not succeeded and order.paid_amount == ZERO
        return
    assert len(succeeded) == 1 and payments[-1] is succeeded[0]
    assert succeeded[0].amount == order.total_amount == order.paid_amount
    assert succeeded[0].created_at == order.paid_at


def test_paid_orders_have_exactly_one_successful_payment_of_the_total(store):
    orders = _orders()
    for order in orders:
        _check_payments(order)
        assert (order.paid_at is not None) == (order.status in PAID_STATES or (
            order.status == S.CANCELLED and order.refunded_amount > 0))
    failed = Payment.objects.filter(status=PaymentStatus.FAILED).count()
    share = failed / Payment.objects.count()
    assert 0.02 < share < 0.10


def _check_timeline(order) -> None:
    reached = [getattr(order, name) for name in PATH_FIELDS if getattr(order, name)]
    assert reached == sorted(reached) and len(set(reached)) == len(reached)
    if order.status in PATH:
        depth = PATH.index(order.status) + 2
        assert all(getattr(order, name) for name in PATH_FIELDS[:depth])
        assert not any(getattr(order, name) for name in PATH_FIELDS[depth:])
    if order.status == S.CLOSED:
        assert order.closed_at - order.placed_at >= timedelta(minutes=30)
        assert order.paid_at is None and order.cancel_reason == "payment timeout"
    if order.status == S.CANCELLED:
        assert order.cancelled_at > max(reached) and order.cancel_reason
        assert order.shipped_at is None


def test_timestamps_grow_along_the_status_path(store):
    for order in Order.objects.all():
        _check_timeline(order)


def test_shipments_exist_exactly_for_shipped_orders_with_unique_tracking(store):
    """Every shipped order left in one parcel; reviewed orders have parcels still in the
    warehouse (allocated by the live day); no other order has any."""
    left = [s for s in Shipment.objects.select_related("order") if s.status in LEFT]
    by_order = Counter(s.order_id for s in left)
    shipped = set(Order.objects.filter(status__in=SHIPPED_STATES).values_list("pk", flat=True))
    assert set(by_order) == shipped and set(by_order.values()) == {1}
    waiting = set(Shipment.objects.exclude(status__in=LEFT).values_list("order_id", flat=True))
    assert waiting == set(Order.objects.filter(status=S.REVIEWED).values_list("pk", flat=True))
    numbered = list(Shipment.objects.exclude(tracking_number="")
                    .values_list("carrier", "tracking_number"))
    assert len(set(numbered)) == len(numbered)
    for shipment in left:
        assert shipment.shipped_at == shipment.order.shipped_at
        if shipment.status != ShipmentStatus.FAILED:  # arrived damaged, lost: see test_fulfillment
            assert shipment.delivered_at == shipment.order.delivered_at
        first = (Reservation.objects.filter(reference=f"order:{shipment.order.number}")
                 .select_related("stock").order_by("stock_id").first())
        assert shipment.warehouse_id == first.stock.warehouse_id
        assert sorted(shipment.lines.values_list("order_line_id", "quantity")) == sorted(
            shipment.order.lines.values_list("pk", "quantity"))


def test_stock_ledger_explains_every_row_and_available_never_went_negative(store):
    assert ledger_mismatches() == []
    running = defaultdict(lambda: [0, 0])
    for m in StockMovement.objects.order_by("id"):
        figures = running[m.stock_id]
        figures[0] += m.on_hand_delta
        figures[1] += m.reserved_delta
        assert (m.on_hand_after, m.reserved_after) == tuple(figures)
        assert 0 <= figures[1] <= figures[0], m.pk
    stamps = defaultdict(list)
    for stock_id, at in StockMovement.objects.order_by("id").values_list("stock_id",
                                                                         "created_at"):
        stamps[stock_id].append(at)
    assert all(times == sorted(times) for times in stamps.values())


def test_reserved_equals_active_reservations(store):
    active = dict(Reservation.objects.filter(status=ReservationStatus.ACTIVE)
                  .values_list("stock_id").annotate(total=Sum("quantity")))
    for stock in Stock.objects.all():
        assert 0 <= stock.reserved <= stock.on_hand
        assert stock.available == stock.on_hand - stock.reserved >= 0
        assert stock.reserved == active.get(stock.pk, 0)


def test_reservations_follow_the_order_status(store):
    expected = {S.PENDING_PAYMENT: ReservationStatus.ACTIVE, S.PAID: ReservationStatus.ACTIVE,
                S.REVIEWED: ReservationStatus.ACTIVE, S.CANCELLED: ReservationStatus.RELEASED,
                S.CLOSED: ReservationStatus.RELEASED}
    reservations = defaultdict(list)
    for r in Reservation.objects.select_related("stock"):
        reservations[r.reference].append(r)
    for order in Order.objects.prefetch_related("lines"):
        mine = reservations[f"order:{order.number}"]
        status = expected.get(order.status, ReservationStatus.CONSUMED)
        assert {r.status for r in mine} == {status}
        assert sorted((r.stock.sku_id, r.stock.warehouse_id, r.quantity) for r in mine) == sorted(
            (li.sku_id, li.warehouse_id, li.quantity) for li in order.lines.all())


def test_refunds_never_exceed_what_was_paid(store):
    refunds = dict(Refund.objects.values_list("order_id").annotate(total=Sum("amount")))
    for order in Order.objects.prefetch_related("lines"):
        assert order.refunded_amount == refunds.get(order.pk, ZERO)
        assert ZERO <= order.refunded_amount <= order.paid_amount
        assert sum((li.refunded_amount for li in order.lines.all()), ZERO) <= order.refunded_amount
    for request in AftersalesRequest.objects.prefetch_related("refunds"):
        assert (request.status == RequestStatus.REFUNDED) == request.refunds.exists()


def test_returned_units_match_received_returns_and_restocks(store):
    received = defaultdict(int)
    restocked = 0
    for line in AftersalesLine.objects.exclude(disposition=Disposition.PENDING):
        received[line.order_line_id] += line.quantity
        restocked += line.quantity if line.disposition == Disposition.RESTOCK else 0
    returned = dict(OrderLine.objects.values_list("pk", "returned_quantity"))
    assert {k: v for k, v in returned.items() if v} == dict(received)
    booked = StockMovement.objects.filter(kind=MovementKind.RETURN_RESTOCK).aggregate(
        total=Sum("on_hand_delta"))["total"] or 0
    assert booked == restocked
    statuses = set(AftersalesRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.REFUNDED, RequestStatus.REJECTED} <= statuses


def test_operation_log_tells_each_orders_history(store):
    staff = {s.username: s.pk for s in Staff.objects.all()}
    logs = defaultdict(list)
    for entry in OperationLog.objects.filter(object_type="orders.order").order_by("created_at",
                                                                                  "id"):
        logs[entry.object_id].append(entry)
    for order in Order.objects.all():
        entries = logs[str(order.pk)]
        assert (entries[0].action, entries[0].created_at) == ("orders.place_order",
                                                              order.placed_at)
        by_action = {e.action: e for e in entries}
        assert ("orders.record_payment" in by_action) == (order.paid_at is not None)
        if order.reviewed_at:  # by the service staff, or by the rules (the live day)
            review = by_action["orders.review_order"]
            assert review.created_at == order.reviewed_at
            assert review.actor_id == staff["service"] or (
                review.actor_id is None and review.note == "auto review")
            assert review.after["status"] == "reviewed"
        if order.shipped_at:
            assert by_action["orders.mark_shipped"].actor_id == staff["warehouse"]
        if order.refunded_amount:
            assert by_action["orders.apply_refund"].actor_id == staff["finance"]
        statuses = [e.after["status"] for e in entries if e.after and "status" in e.after]
        assert statuses[-1] == order.status


def test_customers_have_valid_phones_and_a_realistic_repurchase_pattern(store):
    phones = list(Customer.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones)) and all(is_valid_phone(p) for p in phones)
    counts = Counter(Order.objects.values_list("customer_id", flat=True))
    one_time = sum(1 for n in counts.values() if n == 1) / len(counts)
    assert 0.3 < one_time < 0.8
    assert max(counts.values()) >= 8
    first_orders = dict(Order.objects.values_list("customer_id").annotate(first=Min("placed_at")))
    for customer in Customer.objects.filter(pk__in=list(first_orders)):
        assert customer.created_at <= first_orders[customer.pk]
    provinces = Counter(Customer.objects.values_list("province_code", flat=True))
    assert provinces["440000"] > provinces.get("630000", 0) + provinces.get("540000", 0)


def test_order_volume_peaks_at_double_eleven_and_dips_at_spring_festival(store):
    per_day = Counter(timezone.localtime(at).date()
                      for at in Order.objects.values_list("placed_at", flat=True))
    typical = sorted(per_day.values())[len(per_day) // 2]
    eleven = next(day for day in per_day if (day.month, day.day) == (11, 11))
    assert per_day[eleven] > 3 * typical
    festival = sum(per_day[TODAY - timedelta(days=n)] for n in range(8, 16))   # Feb 14–21
    january = sum(per_day[TODAY.replace(month=1, day=d)] for d in range(5, 13))
    assert festival * 2 < january


def test_last_year_is_in_proportion_so_every_year_over_year_figure_is_believable(store):
    """The history reaches far enough back that a report's same period last year, and its
    rolling windows, have traffic and orders at the shop's level of the time (a shop growing
    about 35 % a year): never a jump like +60,000 % against a year with almost nothing.

    Every KPI of the overview compares as a percentage between −50 % and +200 %. In the
    other reports last year has data for every KPI (no "new", no "—"), and every total that
    compares as a percentage is in that band; ratios of rare events (returns, failed
    payments: a few of them at this small scale) and new vs returning buyers (the history's
    first months have more first orders) may move further."""
    from zhanggui.analytics import queries, warehouse
    from zhanggui.analytics.reports import REPORTS, size_of

    warehouse.rebuild()
    for name in REPORTS:
        report = queries.run_report(queries.parse_request(name, end=TODAY + timedelta(days=1)))
        assert report["last_year"]["start"] == (TODAY - timedelta(days=365 + 29)).isoformat()
        for kpi in report["kpis"]:
            if kpi.get("compared") is False:  # a state as it is now (stock), never compared
                continue
            comparison = kpi["comparison_last_year"]
            where = (name, kpi["code"], comparison)
            if name == "overview":
                assert comparison["kind"] == "rate", where
            assert comparison["kind"] in ("rate", "absolute"), where
            if comparison["kind"] == "rate" and (name == "overview" or size_of(kpi["code"]) == kpi["code"]):
                assert -0.5 <= comparison["rate"] <= 2.0, where
