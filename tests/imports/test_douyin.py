"""The Douyin shop (抖店) order export: one row per sub order, grouped by 主订单编号;
amounts per sub order are summed into the order."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.imports.conftest import business_digest, errors_of, run_import, write_xlsx
from zhanggui.aftersales.models import Refund
from zhanggui.imports.grouping import OrderGrouper
from zhanggui.imports.mapping import MappedRow
from zhanggui.imports.profiles import douyin, get_builtin
from zhanggui.imports.profiles.base import profile_problems
from zhanggui.imports.readers import open_table
from zhanggui.orders.models import Order

SAMPLES = Path(__file__).parent / "samples"
SAMPLE, BAD = SAMPLES / "douyin_orders.csv", SAMPLES / "douyin_orders_bad.csv"
# Σ 订单应付金额 over the sub orders of each main order in the sample
FILE_TOTALS = {"6920000000000001": "123.00", "6920000000000002": "207.00",
               "6920000000000003": "75.00", "6920000000000004": "39.00",
               "6920000000000005": "89.00", "6920000000000006": "15.00",
               "6920000000000007": "199.00"}


def test_the_profile_is_registered_and_usable():
    profile = get_builtin("douyin", "orders")

    assert profile is douyin.PROFILE and profile.options.default_channel == "douyin"
    assert profile_problems(profile) == []


@pytest.mark.django_db
def test_sample_imports_sub_orders_as_lines_of_their_main_order():
    run = run_import(SAMPLE, "orders", "douyin")

    assert run.status == "succeeded", run.message
    assert (run.rows_read, run.created_count) == (9, 7)
    assert dict(Order.objects.values_list("external_id", "status")) == {
        "6920000000000001": "completed", "6920000000000002": "paid",
        "6920000000000003": "shipped", "6920000000000004": "cancelled",
        "6920000000000005": "closed", "6920000000000006": "pending_payment",
        "6920000000000007": "shipped"}
    first = Order.objects.get(external_id="6920000000000001")
    assert sorted(first.lines.values_list("sku_code", "quantity", "unit_price_amount")) == [
        ("DY-CAP", 1, Decimal("39.00")), ("DY-TS-W-M", 1, Decimal("89.00"))]
    assert first.lines.get(sku_code="DY-TS-W-M").option_values == {"颜色": "白色", "尺码": "M"}
    assert first.lines.get(sku_code="DY-CAP").option_values == {"规格": "黑色"}
    assert set(Order.objects.values_list("channel", flat=True)) == {"douyin"}


@pytest.mark.django_db
def test_totals_are_the_sums_of_the_sub_orders():
    run_import(SAMPLE, "orders", "douyin")

    totals = {o.external_id: o.total_amount for o in Order.objects.all()}
    assert totals == {key: Decimal(value) for key, value in FILE_TOTALS.items()}
    first = Order.objects.get(external_id="6920000000000001")
    assert (first.goods_amount, first.discount_amount, first.shipping_amount) == (
        Decimal("128.00"), Decimal("5.00"), Decimal("0.00"))
    split = Order.objects.get(external_id="6920000000000003")  # 运费 3.00 on each sub order
    assert (split.goods_amount, split.shipping_amount, split.discount_amount) == (
        Decimal("69.00"), Decimal("6.00"), Decimal("0.00"))
    closed = Order.objects.get(external_id="6920000000000004")
    assert (closed.cancel_reason, closed.refunded_amount) == ("买家不想要了", Decimal("39.00"))
    assert Refund.objects.get().order == closed
    assert (closed.recipient_phone, closed.province_code, closed.address_detail) == (
        "139****0002", "440000", "科技园1号")


@pytest.mark.django_db
def test_the_xlsx_export_imports_the_same(tmp_path):
    with open_table(SAMPLE) as table:
        rows = [table.header, *(values for _line, values in table.rows)]
    book = write_xlsx(tmp_path / "抖店订单.xlsx", rows)

    run = run_import(book, "orders", "douyin")

    assert run.status == "succeeded", run.message
    totals = {o.external_id: o.total_amount for o in Order.objects.all()}
    assert totals == {key: Decimal(value) for key, value in FILE_TOTALS.items()}


@pytest.mark.django_db
def test_reimport_changes_nothing():
    run_import(SAMPLE, "orders", "douyin")
    before = business_digest()

    again = run_import(SAMPLE, "orders", "douyin")

    assert (again.created_count, again.skipped_count) == (0, 7)
    assert business_digest() == before


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_nothing_is_written():
    before = business_digest()

    run = run_import(BAD, "orders", "douyin")

    assert run.status == "failed"
    assert errors_of(run) == [("", 4, "省"), ("", 5, "订单状态")]
    assert not Order.objects.exists() and business_digest() == before


amounts = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=8), amounts)
def test_summed_fields_add_up_over_the_rows_and_others_keep_the_first(sub_orders, unit):
    grouper = OrderGrouper(one_row_per_order=False, summed=("total_amount", "shipping_amount"))
    for line, (payable, freight) in enumerate(sub_orders, start=2):
        values = {"order_id": "M1", "total_amount": payable, "shipping_amount": freight,
                  "unit_price": unit + line, "quantity": 1}
        assert grouper.add(MappedRow(line, values)) == ([], [])

    (record,), orphans = grouper.finish()

    assert orphans == []
    assert record.header["total_amount"] == sum(p for p, _f in sub_orders)
    assert record.header["shipping_amount"] == sum(f for _p, f in sub_orders)
    assert record.header["unit_price"] == unit + 2  # not summed: the first row's
    assert len(record.lines) == len(sub_orders)
