"""Price conflicts: the rule (hypothesis) and the query over listings, price lists and the
price history, and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.api.support import ApiClient, staff_of
from tests.channels.channels_factories import channel_price, make_channel, make_listing
from zhanggui.channels import queries, rules
from zhanggui.channels.rules import BELOW_LOWEST, BELOW_RATIO, ChannelPrice
from zhanggui.pricing.actions import record_price

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
ratio = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=4)
entry = st.builds(ChannelPrice, channel=st.sampled_from(["own", "taobao", "jd", "pinduoduo", "douyin"]),
                  price=money, lowest_30=money, min_ratio=ratio)


@given(st.lists(entry, max_size=5, unique_by=lambda e: e.channel), money)
def test_conflict_rule_flags_exactly_the_prices_under_a_floor(prices, own_price):
    found = rules.conflicts(prices, own_price=own_price)
    if len(prices) < 2:
        assert found == []
        return
    for p in prices:
        mine = {c.rule: c for c in found if c.channel == p.channel}
        floor = (own_price * p.min_ratio).quantize(Decimal("0.01"))
        should_ratio = p.channel != "own" and p.price < floor
        assert (BELOW_RATIO in mine) == should_ratio
        highest_other = max(o.lowest_30 for o in prices if o.channel != p.channel)
        assert (BELOW_LOWEST in mine) == (p.price < highest_other)
        if BELOW_LOWEST in mine:
            c = mine[BELOW_LOWEST]
            assert c.reference == highest_other and c.reference_channel != p.channel
            assert c.price < c.reference
        if BELOW_RATIO in mine:
            assert mine[BELOW_RATIO].reference_channel == "own"


@given(st.lists(entry, min_size=2, max_size=5, unique_by=lambda e: e.channel), money)
def test_raising_a_price_never_adds_a_conflict_for_that_channel(prices, own_price):
    before = {(c.channel, c.rule) for c in rules.conflicts(prices, own_price=own_price)}
    raised = [ChannelPrice(p.channel, p.price + 1, p.lowest_30, p.min_ratio) if i == 0 else p
              for i, p in enumerate(prices)]
    after = {(c.channel, c.rule) for c in rules.conflicts(raised, own_price=own_price)}
    assert {k for k in after if k[0] == prices[0].channel} <= {
        k for k in before if k[0] == prices[0].channel}


@pytest.mark.django_db
def test_conflicts_from_listings_price_lists_and_history():
    sku = factories.make_listed_sku(price="100.00")
    taobao = make_channel("taobao", min_ratio="0.90")
    pdd = make_channel("pinduoduo", min_ratio="0.80")
    jd = make_channel("jd", min_ratio="0.90")
    make_listing(taobao, sku)  # follows the SKU: 100, 30-day lowest from history
    channel_price("pinduoduo", sku, "85.00")
    make_listing(pdd, sku)  # 85 ≥ 100 × 0.8, but below taobao's lowest
    make_listing(jd, sku, price="89.00")  # < 100 × 0.9, below taobao's lowest (not pdd's)
    make_listing(make_channel("douyin"), sku, price="50.00", status="draft")  # not on sale
    record_price(sku, price=Decimal("120.00"), actor=None, at=timezone.now() - timedelta(days=40))
    record_price(sku, price=Decimal("100.00"), actor=None, at=timezone.now() - timedelta(days=5))
    rows = {(r["channel"], r["rule"]): r for r in queries.price_conflicts()}
    assert set(rows) == {("jd", BELOW_RATIO), ("jd", BELOW_LOWEST), ("pinduoduo", BELOW_LOWEST)}
    assert (rows["jd", BELOW_RATIO]["reference"], rows["jd", BELOW_RATIO]["reference_channel"]) == (
        Decimal("90.00"), "own")
    assert (rows["jd", BELOW_LOWEST]["reference"], rows["jd", BELOW_LOWEST]["reference_channel"]) == (
        Decimal("100.00"), "taobao")
    assert rows["pinduoduo", BELOW_LOWEST]["reference_channel"] == "taobao"


@pytest.mark.django_db
def test_a_price_cut_on_the_sku_within_30_days_lowers_the_reference():
    sku = factories.make_listed_sku(price="100.00")
    make_listing(make_channel("taobao"), sku)
    make_listing(make_channel("jd", min_ratio="0"), sku, price="95.00")
    assert [r["rule"] for r in queries.price_conflicts()] == [BELOW_LOWEST]
    record_price(sku, price=Decimal("90.00"), actor=None, at=timezone.now() - timedelta(days=10))
    record_price(sku, price=Decimal("100.00"), actor=None, at=timezone.now() - timedelta(days=3))
    assert queries.price_conflicts() == []  # taobao's 30-day lowest is 90: 95 is above it


@pytest.mark.django_db
def test_a_sku_on_one_channel_has_no_conflict():
    make_listing(make_channel("jd"), price="1.00")
    assert queries.price_conflicts() == []


@pytest.mark.django_db
def test_api_lists_conflicts_with_rule_names():
    sku = factories.make_listed_sku(price="100.00")
    make_listing(make_channel("taobao"), sku)
    make_listing(make_channel("jd"), sku, price="80.00")
    data = ApiClient(staff_of("operator")).get("/api/v1/channels/price-conflicts").json()
    assert data["count"] == 2
    assert {(i["channel"], i["rule"], i["reference"]) for i in data["items"]} == {
        ("jd", BELOW_RATIO, "90.00"), ("jd", BELOW_LOWEST, "100.00")}
    assert all(i["rule_name"] for i in data["items"])
    assert ApiClient(staff_of("warehouse")).get("/api/v1/channels/price-conflicts").status_code == 403
