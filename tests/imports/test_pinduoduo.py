"""The Pinduoduo (拼多多) order export: one row per order (one SKU), UTF-8 with BOM,
values ending in a tab."""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.imports.conftest import business_digest, errors_of, run_import
from zhanggui.aftersales.models import Refund
from zhanggui.fulfillment.models import Shipment
from zhanggui.imports.profiles import get_builtin, pinduoduo
from zhanggui.imports.profiles.base import profile_problems
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
SAMPLE, BAD = SAMPLES / "pinduoduo_orders.csv", SAMPLES / "pinduoduo_orders_bad.csv"
# 用户实付金额(元) of each order in the sample
FILE_TOTALS = {"240301-100000000000001": "150.00", "240302-100000000000002": "79.00",
               "240303-100000000000003": "43.00", "240304-100000000000004": "39.00",
               "240305-100000000000005": "79.00", "240306-100000000000006": "79.00",
               "240307-100000000000007": "15.00"}


def test_the_profile_is_registered_and_usable():
    profile = get_builtin("pinduoduo", "orders")

    assert profile is pinduoduo.PROFILE and profile.options.default_channel == "pinduoduo"
    assert profile_problems(profile) == []


def test_sample_imports_with_statuses_mapped():
    run = run_import(SAMPLE, "orders", "pinduoduo")

    assert run.status == "succeeded", run.message
    assert (run.rows_read, run.created_count) == (7, 7)
    assert dict(Order.objects.values_list("external_id", "status")) == {
        "240301-100000000000001": "paid", "240302-100000000000002": "shipped",
        "240303-100000000000003": "completed", "240304-100000000000004": "closed",
        "240305-100000000000005": "cancelled", "240306-100000000000006": "cancelled",
        "240307-100000000000007": "pending_payment"}
    assert set(Order.objects.values_list("channel", flat=True)) == {"pinduoduo"}


def test_totals_equal_the_file_with_both_discounts_and_shipping():
    run_import(SAMPLE, "orders", "pinduoduo")

    totals = {o.external_id: o.total_amount for o in Order.objects.all()}
    assert totals == {key: Decimal(value) for key, value in FILE_TOTALS.items()}
    first = Order.objects.get(external_id="240301-100000000000001")
    # 商品总价 158 for 2, shop discount 5 + platform discount 3
    assert (first.goods_amount, first.discount_amount, first.total_amount) == (
        Decimal("158.00"), Decimal("8.00"), Decimal("150.00"))
    line = first.lines.get()
    assert (line.sku_code, line.quantity, line.unit_price_amount) == ("PDD-TS-W-M", 2, Decimal("79.00"))
    assert line.option_values == {"规格": "白色,M"}
    assert Order.objects.get(external_id="240302-100000000000002").lines.get().option_values == {
        "颜色": "黑色", "尺码": "L"}
    signed = Order.objects.get(external_id="240303-100000000000003")
    assert (signed.shipping_amount, signed.province_code, signed.city, signed.district) == (
        Decimal("4.00"), "110000", "北京市", "朝阳区")


def test_refunds_shipments_and_unpaid_orders():
    run_import(SAMPLE, "orders", "pinduoduo")

    assert dict(Refund.objects.values_list("order__external_id", "amount")) == {
        "240305-100000000000005": Decimal("79.00"), "240306-100000000000006": Decimal("79.00")}
    assert set(Shipment.objects.values_list("order__external_id", "carrier", "tracking_number")) == {
        ("240302-100000000000002", "zto", "ZT7800000001"),
        ("240303-100000000000003", "yto", "YT9800000001")}
    for unpaid in ("240304-100000000000004", "240307-100000000000007"):
        assert Order.objects.get(external_id=unpaid).paid_amount == Decimal("0.00")


def test_reimport_changes_nothing():
    run_import(SAMPLE, "orders", "pinduoduo")
    before = business_digest()

    again = run_import(SAMPLE, "orders", "pinduoduo")

    assert (again.created_count, again.skipped_count) == (0, 7)
    assert business_digest() == before


def test_bad_rows_are_reported_by_line_and_nothing_is_written():
    before = business_digest()

    run = run_import(BAD, "orders", "pinduoduo")

    assert run.status == "failed"
    assert errors_of(run) == [("", 3, "订单状态"), ("", 5, "订单号")]
    assert not Order.objects.exists() and business_digest() == before
