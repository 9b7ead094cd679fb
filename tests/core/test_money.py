from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.core.money import to_money
from zhanggui.core.regions import PROVINCES, find_province_by_name, get_province


def test_to_money_rounds_half_up_to_cents():
    assert to_money(Decimal("2.675")) == Decimal("2.68")
    assert to_money(Decimal("-2.675")) == Decimal("-2.68")
    assert to_money("10") == Decimal("10.00")


def test_to_money_refuses_float():
    with pytest.raises(TypeError):
        to_money(0.1)


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False))
def test_to_money_is_idempotent_and_within_half_a_cent(value):
    money = to_money(value)
    assert to_money(money) == money
    assert abs(money - value) <= Decimal("0.005")


def test_regions_cover_34_provincial_divisions_with_unique_codes():
    assert len(PROVINCES) == 34
    assert len({p.code for p in PROVINCES}) == 34
    remote = {p.name for p in PROVINCES if p.is_remote}
    assert {"新疆", "西藏", "青海", "内蒙古"} <= remote
    assert get_province("330000").name == "浙江"
    assert find_province_by_name("广东省深圳市南山区").code == "440000"
    assert find_province_by_name("火星") is None
