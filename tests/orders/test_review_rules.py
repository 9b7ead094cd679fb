"""The pure review rules: one table per kind (pass and hold), the parameter schema, and
hypothesis over amounts and thresholds."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.orders.errors import InvalidRuleParams
from zhanggui.orders.review_kinds import RuleKind as K
from zhanggui.orders.review_rules import (
    CHECKS,
    PARAMS,
    LineFacts,
    OrderFacts,
    RuleSpec,
    default_params,
    evaluate,
    named_province,
    normalise_address,
    validate_params,
)


def line(**fields) -> LineFacts:
    base = {"sku_id": 1, "sku_code": "SKU-1", "quantity": 1, "list_unit_price": Decimal("100.00"),
            "paid_amount": Decimal("100.00"), "unit_cost": Decimal("40.00"),
            "usual_price": Decimal("100.00"), "reserved": True, "best_available": 0}
    return LineFacts(**{**base, **fields})


BASE = OrderFacts(order_id=1, number="N1", currency="CNY", total_amount=Decimal("100.00"),
                  province_code="330000", city="杭州", district="西湖区",
                  address_detail="文三路 100 号 2 单元", lines=(line(),), is_first_order=False)


def check(kind: str, facts: OrderFacts, **params) -> str | None:
    return CHECKS[kind](facts, validate_params(kind, params))


def test_every_kind_has_a_check_and_a_schema():
    assert set(CHECKS) == set(K.values) == set(PARAMS)
    for kind in K.values:
        assert validate_params(kind, {}) == validate_params(kind, default_params(kind))


def test_the_plain_order_passes_every_rule_with_default_parameters():
    rules = [RuleSpec(i, kind, kind, validate_params(kind, {})) for i, kind in enumerate(K.values)]
    assert evaluate(BASE, rules) == []


CASES = [
    # kind, facts changes, params, holds?, words in the reason
    (K.BUYER_NOTE, {"buyer_note": "  "}, {}, False, ()),
    (K.BUYER_NOTE, {"buyer_note": "请发顺丰"}, {}, True, ("请发顺丰",)),
    (K.SELLER_NOTE, {"seller_note": ""}, {}, False, ()),
    (K.SELLER_NOTE, {"seller_note": "换成蓝色"}, {}, True, ("换成蓝色",)),
    (K.ADDRESS_INCOMPLETE, {"district": "", "address_detail": "西湖区文三路 100 号"}, {}, False, ()),
    (K.ADDRESS_INCOMPLETE, {"district": "", "address_detail": "文三路 100 号"}, {}, True, ()),
    (K.ADDRESS_INCOMPLETE, {"address_detail": "文三路"}, {"min_length": 5}, True, ("3", "5")),
    (K.ADDRESS_INCOMPLETE, {"address_detail": "文三路 1 号"}, {"min_length": 5}, False, ()),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "文三路 100 号丰巢自提柜"}, {}, True, ("自提柜",)),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "ＰＯ  box 1234"}, {}, True, ("PO Box",)),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "文三路 8 号"}, {"words": ["信箱"]}, False, ()),
    (K.ADDRESS_SUSPICIOUS, {"city": "上海市"}, {}, True, ("上海", "浙江")),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "广东省深圳市南山区科技园"}, {}, True, ("广东",)),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "北京路 100 号"}, {}, False, ()),
    (K.ADDRESS_SUSPICIOUS, {"address_detail": "浙江省杭州市文三路 1 号"}, {}, False, ()),
    (K.AMOUNT_ABOVE, {"total_amount": Decimal("5000.00")}, {"threshold": "5000"}, False, ()),
    (K.AMOUNT_ABOVE, {"total_amount": Decimal("5000.01")}, {"threshold": "5000"}, True,
     ("¥5,000.01", "¥5,000.00")),
    (K.PRICE_ANOMALY, {"lines": (line(paid_amount=Decimal("39.99")),)}, {}, True, ("¥40.00",)),
    (K.PRICE_ANOMALY, {"lines": (line(paid_amount=Decimal("49.00"), unit_cost=Decimal("0")),)},
     {"fraction": "0.5"}, True, ("50%", "¥100.00")),
    (K.PRICE_ANOMALY, {"lines": (line(paid_amount=Decimal("50.00")),)}, {"fraction": "0.5"},
     False, ()),
    (K.PRICE_ANOMALY, {"lines": (line(list_unit_price=Decimal(0), paid_amount=Decimal(0)),)}, {},
     False, ()),  # a gift line
    (K.PRICE_ANOMALY, {"lines": (line(quantity=3, paid_amount=Decimal("150.00")),)}, {}, False, ()),
    (K.STOCK_SHORT, {"lines": (line(reserved=False, best_available=1, quantity=1),)}, {}, False, ()),
    (K.STOCK_SHORT, {"lines": (line(reserved=False, best_available=2, quantity=1),
                               line(reserved=False, best_available=2, quantity=2))}, {}, True,
     ("3", "2")),
    (K.STOCK_SHORT, {"lines": (line(reserved=True, best_available=0, quantity=5),)}, {}, False, ()),
    (K.REMOTE_REGION, {"province_code": "650000"}, {}, True, ("新疆",)),
    (K.REMOTE_REGION, {"province_code": "650000"}, {"province_codes": ["540000"]}, False, ()),
    (K.REMOTE_REGION, {"province_code": "330000"}, {"province_codes": "330000, 540000"}, True, ()),
    (K.BLOCKED_BUYER, {"blocked_reason": None}, {}, False, ()),
    (K.BLOCKED_BUYER, {"blocked_reason": "恶意退款"}, {}, True, ("恶意退款",)),
    (K.REPEAT_ADDRESS, {"orders_from_address": {24: 3}}, {"max_orders": 3, "hours": 24}, False, ()),
    (K.REPEAT_ADDRESS, {"orders_from_address": {24: 4}}, {"max_orders": 3, "hours": 24}, True,
     ("4", "24", "3")),
    (K.REPEAT_ADDRESS, {"orders_from_phone": {6: 5}}, {"max_orders": 3, "hours": 6}, True, ("5",)),
    (K.REPEAT_ADDRESS, {"orders_from_phone": {6: 5}}, {"max_orders": 3, "hours": 24}, False, ()),
    (K.QUANTITY_ABOVE, {"lines": (line(quantity=20),)}, {"max_units": 20}, False, ()),
    (K.QUANTITY_ABOVE, {"lines": (line(quantity=15), line(quantity=6))}, {"max_units": 20}, True,
     ("21",)),
    (K.NEW_BUYER_AMOUNT, {"is_first_order": True, "total_amount": Decimal("2000.01")},
     {"threshold": "2000"}, True, ("¥2,000.01",)),
    (K.NEW_BUYER_AMOUNT, {"is_first_order": False, "total_amount": Decimal("9000")},
     {"threshold": "2000"}, False, ()),
    (K.NEW_BUYER_AMOUNT, {"is_first_order": True, "total_amount": Decimal("2000")},
     {"threshold": "2000"}, False, ()),
]


@pytest.mark.parametrize(("kind", "changes", "params", "holds", "words"), CASES)
def test_rule_table(kind, changes, params, holds, words):
    reason = check(kind, replace(BASE, **changes), **params)
    assert (reason is not None) == holds, reason
    for word in words:
        assert word in reason


def test_evaluate_returns_one_hold_per_failing_rule_in_rule_order():
    facts = replace(BASE, buyer_note="快点发", total_amount=Decimal("9000"))
    rules = [RuleSpec(7, K.AMOUNT_ABOVE, "大额", validate_params(K.AMOUNT_ABOVE, {})),
             RuleSpec(8, K.REMOTE_REGION, "偏远", validate_params(K.REMOTE_REGION, {})),
             RuleSpec(9, K.BUYER_NOTE, "留言", {})]
    holds = evaluate(facts, rules)
    assert [(h.rule_id, h.kind) for h in holds] == [(7, K.AMOUNT_ABOVE), (9, K.BUYER_NOTE)]
    assert all(len(h.reason) <= 255 for h in holds)


@pytest.mark.parametrize(("kind", "params", "field"), [
    ("nonsense", {}, "kind"),
    (K.AMOUNT_ABOVE, {"threshold": "abc"}, "threshold"),
    (K.AMOUNT_ABOVE, {"threshold": "-1"}, "threshold"),
    (K.AMOUNT_ABOVE, {"threshold": "1.001"}, "threshold"),
    (K.AMOUNT_ABOVE, {"threshold": "NaN"}, "threshold"),
    (K.PRICE_ANOMALY, {"fraction": "0"}, "fraction"),
    (K.PRICE_ANOMALY, {"fraction": "1.5"}, "fraction"),
    (K.REPEAT_ADDRESS, {"max_orders": 0}, "max_orders"),
    (K.REPEAT_ADDRESS, {"hours": "2.5"}, "hours"),
    (K.REPEAT_ADDRESS, {"hours": True}, "hours"),
    (K.ADDRESS_SUSPICIOUS, {"words": []}, "words"),
    (K.ADDRESS_SUSPICIOUS, {"words": [1, 2]}, "words"),
    (K.REMOTE_REGION, {"province_codes": ["999999"]}, "province_codes"),
    (K.BUYER_NOTE, {"threshold": "1"}, "threshold"),
    (K.BUYER_NOTE, ["not", "a", "mapping"], "params"),
])
def test_invalid_parameters_are_refused_with_the_field_named(kind, params, field):
    with pytest.raises(InvalidRuleParams) as error:
        validate_params(kind, params)
    assert error.value.code == "invalid_rule_params"
    assert field in str(error.value)


def test_parameters_are_stored_in_a_stable_form():
    assert validate_params(K.AMOUNT_ABOVE, {"threshold": " 5000 "}) == {"threshold": "5000.00"}
    assert validate_params(K.PRICE_ANOMALY, {"fraction": "0.50"}) == {"fraction": "0.5"}
    assert validate_params(K.REPEAT_ADDRESS, {"max_orders": "4"}) == {"max_orders": 4, "hours": 24}
    assert validate_params(K.ADDRESS_SUSPICIOUS, {"words": "信箱，自提柜"}) == {
        "words": ["信箱", "自提柜"]}


def test_province_names_are_recognised_only_in_full_form_or_alone():
    assert named_province("上海").code == "310000"
    assert named_province("新疆维吾尔自治区乌鲁木齐").code == "650000"
    assert named_province("海南藏族自治州") is None  # in Qinghai, not the province 海南
    assert named_province("吉林大街 5 号") is None


def test_normalised_addresses_ignore_width_case_spaces_and_punctuation():
    a = normalise_address("330000", "杭州", "西湖区", "文三路 100 号，2单元")
    b = normalise_address("330000", "杭州", "西湖区", "文三路１００号 2 单元")
    assert a == b
    assert a != normalise_address("330000", "杭州", "滨江区", "文三路 100 号 2 单元")
    assert normalise_address("330000", "杭州", "西湖区", "  ") == ""


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


@given(cents, cents)
def test_amount_above_holds_exactly_when_the_total_exceeds_the_threshold(total, threshold):
    params = validate_params(K.AMOUNT_ABOVE, {"threshold": str(threshold)})
    reason = CHECKS[K.AMOUNT_ABOVE](replace(BASE, total_amount=total), params)
    assert (reason is not None) == (total > threshold)


@given(cents, st.booleans(), cents)
def test_new_buyer_amount_holds_only_first_orders_above_it(total, first, threshold):
    params = validate_params(K.NEW_BUYER_AMOUNT, {"threshold": str(threshold)})
    reason = CHECKS[K.NEW_BUYER_AMOUNT](replace(BASE, total_amount=total, is_first_order=first),
                                        params)
    assert (reason is not None) == (first and total > threshold)


@given(st.integers(1, 50), cents.filter(lambda c: c > 0), st.integers(1, 100), st.integers(0, 100))
def test_price_anomaly_is_monotonic_in_the_paid_price(quantity, list_price, percent_paid, share):
    """Paying more never creates a hold, and a hold names a price below the floor or cost."""
    fraction = Decimal(max(share, 1)) / 100
    params = validate_params(K.PRICE_ANOMALY, {"fraction": str(fraction)})
    cost = (list_price * Decimal("0.3")).quantize(Decimal("0.01"))
    paid_low = (list_price * quantity * percent_paid / 100).quantize(Decimal("0.01"))
    low = replace(BASE, lines=(line(quantity=quantity, list_unit_price=list_price,
                                    usual_price=list_price, unit_cost=cost, paid_amount=paid_low),))
    high = replace(BASE, lines=(replace(low.lines[0], paid_amount=paid_low + list_price),))
    low_reason = CHECKS[K.PRICE_ANOMALY](low, params)
    if low_reason is None:
        assert CHECKS[K.PRICE_ANOMALY](high, params) is None
    unit = low.lines[0].paid_unit_price
    assert (low_reason is not None) == (unit < cost or unit < list_price * fraction)


@given(st.integers(0, 200), st.integers(1, 100))
def test_repeat_address_holds_exactly_above_the_limit(count, limit):
    params = validate_params(K.REPEAT_ADDRESS, {"max_orders": limit, "hours": 24})
    reason = CHECKS[K.REPEAT_ADDRESS](replace(BASE, orders_from_address={24: count}), params)
    assert (reason is not None) == (count > limit)
