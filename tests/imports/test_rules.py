"""Pure rules: parsers, order arithmetic and status semantics (no database)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhanggui.imports import keys, parsers, rules
from zhanggui.imports.mapping import MappedRow
from zhanggui.imports.profiles import BUILTIN
from zhanggui.imports.profiles.base import Options, profile_from_json, profile_problems

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_money_is_read_as_decimal_without_float_noise():
    assert parsers.parse_money("¥1,234.50") == Decimal("1234.50")
    assert parsers.parse_money(0.1 + 0.2 - 0.2) == Decimal("0.10")  # a spreadsheet float
    assert parsers.parse_decimal("0.001") == Decimal("0.001")
    with pytest.raises(ValueError, match="two decimals"):
        parsers.parse_money("1.005")
    with pytest.raises(ValueError):
        parsers.parse_money("abc")


def test_identifiers_lose_spreadsheet_protection():
    assert parsers.parse_identifier('="1234567890123456789"') == "1234567890123456789"
    assert parsers.parse_identifier("'13800000000") == "13800000000"
    assert parsers.parse_identifier("17850.0") == "17850"


def test_datetimes_are_aware_in_the_profile_time_zone():
    parse = parsers.datetime_parser(SHANGHAI, ("%d/%m/%Y %H:%M",))

    assert parse("2024-03-01 10:15:00") == datetime(2024, 3, 1, 10, 15, tzinfo=SHANGHAI)
    assert parse("01/03/2024 10:15") == datetime(2024, 3, 1, 10, 15, tzinfo=SHANGHAI)
    assert parse("2024-03-01 10:15:00 +0000").utcoffset().total_seconds() == 0
    with pytest.raises(ValueError):
        parse("yesterday")


def test_options_and_provinces():
    assert parsers.parse_options("颜色：红色;尺码:M") == {"颜色": "红色", "尺码": "M"}
    assert parsers.parse_province("浙江省") == "330000"
    assert parsers.parse_province("330000") == "330000"
    with pytest.raises(ValueError):
        parsers.parse_options("红色")
    with pytest.raises(ValueError):
        parsers.parse_province("Ontario")


def test_taobao_address_is_split():
    assert parsers.split_address("浙江省 杭州市 西湖区 文三路100号(310000)") == (
        "330000", "杭州市", "西湖区", "文三路100号")
    assert parsers.split_address("10 Downing Street") == ("", "", "", "10 Downing Street")


@pytest.mark.parametrize(("payment", "fulfillment", "cancelled", "status"), [
    ("unpaid", None, False, "pending_payment"),
    ("paid", "unfulfilled", False, "paid"),
    ("paid", "partial", False, "shipped"),
    ("paid", "fulfilled", False, "completed"),
    ("refunded", None, False, "cancelled"),
    ("refunded", "fulfilled", False, "completed"),
    ("paid", None, True, "cancelled"),
    ("unpaid", None, True, "closed"),
    ("voided", None, False, "closed"),
])
def test_status_from_payment_and_fulfillment_states(payment, fulfillment, cancelled, status):
    assert rules.derive_status(payment, fulfillment, cancelled) == status


def _record(order_id, *lines, **header):
    header.setdefault("placed_at", datetime(2024, 1, 1, tzinfo=SHANGHAI))
    rows = [MappedRow(10 + i, {"order_id": order_id, **values}) for i, values in enumerate(lines)]
    return rules.OrderRecord(order_id, 10, {"order_id": order_id, **header}, rows)


def _build(record, **options):
    return rules.build_order(record, rules.OrderContext("shop", Options(**options)))


def test_order_total_discount_and_shipping_reconcile():
    record = _record("A1", {"quantity": 2, "unit_price": Decimal("50"), "sku_code": "S"},
                     {"quantity": 1, "unit_price": Decimal("100"), "sku_code": "T"},
                     total_amount=Decimal("190.00"), shipping_amount=Decimal("10.00"))

    draft, problems = _build(record)

    assert problems == []
    assert (draft.goods_amount, draft.discount_amount, draft.total_amount) == (
        Decimal("200.00"), Decimal("20.00"), Decimal("190.00"))
    assert sum(line.discount_amount for line in draft.lines) == Decimal("20.00")
    assert draft.status == "completed" and draft.paid_amount == Decimal("190.00")


def test_tax_charged_on_top_is_kept_with_shipping():
    record = _record("A2", {"quantity": 1, "unit_price": Decimal("100"), "sku_code": "S"},
                     total_amount=Decimal("113.00"), tax_amount=Decimal("13.00"))

    draft, problems = _build(record)

    assert problems == []
    assert (draft.discount_amount, draft.shipping_amount) == (Decimal("0.00"), Decimal("13.00"))


def test_total_that_does_not_reconcile_is_an_error():
    record = _record("A3", {"quantity": 1, "unit_price": Decimal("100"), "sku_code": "S"},
                     total_amount=Decimal("150.00"))

    draft, problems = _build(record)

    assert draft is None
    assert [(p.line, p.column) for p in problems] == [(10, "total_amount")]


def test_refund_above_paid_is_an_error():
    record = _record("A4", {"quantity": 1, "unit_price": Decimal("10"), "sku_code": "S"},
                     paid_amount=Decimal("10.00"), refunded_amount=Decimal("12.00"))

    assert _build(record)[0] is None


def test_closed_after_payment_is_cancelled_and_refunded_in_full():
    record = _record("A5", {"quantity": 1, "unit_price": Decimal("10"), "sku_code": "S"},
                     status="closed", paid_at=datetime(2024, 1, 1, 1, tzinfo=SHANGHAI))

    draft, _problems = _build(record)

    assert draft.status == "cancelled"
    assert draft.paid_amount == draft.refunded_amount == Decimal("10.00")


def test_unpaid_order_has_paid_nothing():
    record = _record("A6", {"quantity": 1, "unit_price": Decimal("10"), "sku_code": "S"},
                     status="pending_payment", paid_amount=Decimal("10.00"))

    draft, _problems = _build(record)

    assert (draft.paid_amount, draft.times["paid_at"]) == (Decimal("0"), None)


def test_cancellation_invoice_becomes_a_cancelled_refunded_order():
    record = _record("C9", {"quantity": -3, "unit_price": Decimal("2.55"), "sku_code": "S"})

    draft, problems = _build(record, cancellation_prefix="C", negative_lines="credit")

    assert problems == []
    assert (draft.status, draft.credit) == ("cancelled", rules.CANCELLATION)
    assert draft.lines[0].quantity == 3
    assert draft.total_amount == draft.refunded_amount == draft.paid_amount == Decimal("7.65")


def test_negative_lines_without_prefix_are_an_adjustment():
    record = _record("A9", {"quantity": 1, "unit_price": Decimal("-11062.06"), "sku_code": "B"})

    draft, _problems = _build(record, cancellation_prefix="C", negative_lines="credit")

    assert (draft.status, draft.refunded_amount) == ("closed", Decimal("11062.06"))


def test_negative_or_mixed_lines_are_errors_unless_the_profile_reads_credits():
    negative = _record("N1", {"quantity": -1, "unit_price": Decimal("5"), "sku_code": "S"})
    mixed = _record("N2", {"quantity": -1, "unit_price": Decimal("5"), "sku_code": "S"},
                    {"quantity": 1, "unit_price": Decimal("5"), "sku_code": "T"})
    positive_cancellation = _record("C1", {"quantity": 1, "unit_price": Decimal("5"), "sku_code": "S"})

    assert _build(negative)[0] is None
    assert _build(mixed, negative_lines="credit")[0] is None
    assert _build(positive_cancellation, cancellation_prefix="C", negative_lines="credit")[0] is None


def test_line_without_quantity_or_price_is_reported_on_its_line():
    record = _record("A7", {"sku_code": "S", "unit_price": Decimal("1")}, {"quantity": 1, "sku_code": "T"})

    draft, problems = _build(record)

    assert draft is None
    assert {(p.line, p.column) for p in problems} == {(10, "quantity"), (11, "unit_price")}


def test_keys_are_deterministic_and_fit():
    long_id = "x" * 80
    assert keys.customer_code("taobao", "tb_小明") == "taobao-tb_小明"
    assert keys.customer_code("taobao", None) == "taobao:guest"
    assert len(keys.order_number("taobao", long_id)) <= 40
    assert keys.order_number("taobao", long_id) == keys.order_number("taobao", long_id)
    assert keys.sku_code_for({"product_title": "T恤", "options": {"色": "红"}}, "tb") == \
        keys.sku_code_for({"product_title": "T恤", "options": {"色": "红"}}, "tb")
    assert keys.carrier_code("顺丰速运") == "sf" and keys.carrier_code("某某快递") == ""


@pytest.mark.parametrize("key", sorted(BUILTIN))
def test_builtin_profiles_are_complete_and_round_trip_as_json(key):
    profile = BUILTIN[key]

    assert profile_problems(profile) == []
    again = profile_from_json(profile.to_json())
    assert again.field_names() == profile.field_names()


def test_sign_problems_name_the_lines_to_fix():
    cancellation = _record("C2", {"quantity": -1, "unit_price": Decimal("5"), "sku_code": "S"},
                           {"quantity": 2, "unit_price": Decimal("5"), "sku_code": "T"},
                           {"quantity": -3, "unit_price": Decimal("5"), "sku_code": "U"})
    purchase = _record("P2", {"quantity": 1, "unit_price": Decimal("5"), "sku_code": "S"},
                       {"quantity": -2, "unit_price": Decimal("5"), "sku_code": "T"})
    all_positive = _record("C3", {"quantity": 1, "unit_price": Decimal("5"), "sku_code": "S"},
                           {"quantity": 4, "unit_price": Decimal("5"), "sku_code": "T"})
    credit = {"cancellation_prefix": "C", "negative_lines": "credit"}

    assert [(p.line, p.value) for p in _build(cancellation, **credit)[1]] == [(11, "2")]
    assert [(p.line, p.value) for p in _build(purchase, **credit)[1]] == [(11, "-2")]
    assert [p.line for p in _build(all_positive, **credit)[1]] == [10, 11]
    assert [p.line for p in _build(cancellation, cancellation_prefix="C")[1]] == [10, 12]


def test_skipped_reason_names_the_record_and_the_failing_line():
    assert rules.skipped_reason("orders", "A1", 7) == "skipped: order A1 has an error on line 7"
    assert rules.skipped_reason("orders", "A1", 3, "items") == (
        "skipped: order A1 has an error on line 3 of the item-detail file")
    assert rules.skipped_reason("products", "P", 2) == "skipped: product P has an error on line 2"
    assert rules.skipped_reason("customers", "K", 9) == "skipped: customer K has an error on line 9"
