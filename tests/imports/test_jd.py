"""The JD (京东) order export: one row per SKU, order-level columns repeated, GBK."""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.imports.conftest import business_digest, errors_of, run_import
from zhanggui.aftersales.models import Refund
from zhanggui.imports.profiles import get_builtin, jd
from zhanggui.imports.profiles.base import profile_problems
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
SAMPLE, BAD = SAMPLES / "jd_orders.csv", SAMPLES / "jd_orders_bad.csv"
# 结算金额 of each order in the sample (repeated on each of its rows)
FILE_TOTALS = {"280000000001": "187.00", "280000000002": "205.00", "280000000003": "45.00",
               "280000000004": "79.00", "280000000005": "199.00", "280000000006": "78.00",
               "280000000007": "21.00", "280000000008": "79.00"}


def test_the_profile_is_registered_and_usable():
    profile = get_builtin("jd", "orders")

    assert profile is jd.PROFILE and profile.options.default_channel == "jd"
    assert profile_problems(profile) == []


def test_sample_imports_with_statuses_mapped():
    run = run_import(SAMPLE, "orders", "jd")

    assert run.status == "succeeded", run.message
    assert run.rows_read == 9 and run.created_count == 8
    assert dict(Order.objects.values_list("external_id", "status")) == {
        "280000000001": "completed", "280000000002": "paid", "280000000003": "shipped",
        "280000000004": "cancelled", "280000000005": "closed", "280000000006": "pending_payment",
        "280000000007": "paid", "280000000008": "cancelled"}
    assert set(Order.objects.values_list("channel", flat=True)) == {"jd"}


def test_totals_equal_the_file_and_lines_carry_the_discount():
    run_import(SAMPLE, "orders", "jd")

    totals = {o.external_id: o.total_amount for o in Order.objects.all()}
    assert totals == {key: Decimal(value) for key, value in FILE_TOTALS.items()}
    first = Order.objects.get(external_id="280000000001")
    assert (first.number, first.customer.code) == ("jd-280000000001", "jd-jd_xiaoming")
    assert (first.goods_amount, first.discount_amount, first.shipping_amount) == (
        Decimal("197.00"), Decimal("10.00"), Decimal("0.00"))
    assert sorted(first.lines.values_list("sku_code", "quantity", "unit_price_amount")) == [
        ("JD-BAG", 1, Decimal("39.00")), ("JD-TS-W-M", 2, Decimal("79.00"))]
    assert sum(line.total_amount for line in first.lines.all()) == Decimal("187.00")
    shipped = Order.objects.get(external_id="280000000002")
    assert (shipped.shipping_amount, shipped.paid_amount) == (Decimal("6.00"), Decimal("205.00"))


def test_masked_phone_and_one_line_address_are_kept():
    run_import(SAMPLE, "orders", "jd")

    order = Order.objects.get(external_id="280000000001")
    assert order.recipient_phone == "138****0001"  # JD masks it; stored as exported
    assert (order.recipient_name, order.province_code) == ("王小明", "330000")
    assert order.address_detail == "浙江杭州市西湖区文三路100号"
    assert order.buyer_note == "尽快发货"


def test_cancelled_and_deleted_paid_orders_are_refunded_unpaid_ones_not():
    run_import(SAMPLE, "orders", "jd")

    refunds = dict(Refund.objects.values_list("order__external_id", "amount"))
    assert refunds == {"280000000004": Decimal("79.00"), "280000000008": Decimal("79.00")}
    unpaid = Order.objects.get(external_id="280000000005")
    assert (unpaid.paid_amount, unpaid.paid_at) == (Decimal("0.00"), None)
    assert Order.objects.get(external_id="280000000006").paid_amount == Decimal("0.00")


def test_reimport_changes_nothing():
    run_import(SAMPLE, "orders", "jd")
    before = business_digest()

    again = run_import(SAMPLE, "orders", "jd")

    assert (again.created_count, again.skipped_count) == (0, 8)
    assert business_digest() == before
    assert Order.objects.filter(channel="jd").count() == 8


def test_bad_rows_are_reported_by_line_and_nothing_is_written():
    before = business_digest()

    run = run_import(BAD, "orders", "jd")

    assert run.status == "failed"
    assert errors_of(run) == [("", 4, "订单状态"), ("", 5, "订购数量")]
    assert not Order.objects.exists() and business_digest() == before


def test_an_explicit_channel_overrides_the_profile_default():
    run_import(SAMPLE, "orders", "jd", channel="jd_pop2")

    assert set(Order.objects.values_list("channel", flat=True)) == {"jd_pop2"}
