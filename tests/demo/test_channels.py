"""The demo's orders are sold on several channels: the same orders as before, each with a
channel label (and the platform's order number), drawn from a stream of their own."""

import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.demo.conftest import TODAY
from zhanggui.accounts.models import OperationLog
from zhanggui.demo.context import HISTORY_DAYS, Clock, SeedOptions
from zhanggui.demo.orders_plan import CHANNEL_SHARES, channel_shares
from zhanggui.orders.models import Order

CLOCK = Clock.for_options(SeedOptions(today=TODAY))
FORMATS = {"taobao": r"[1-9]\d{18}", "jd": r"[1-9]\d{11}", "pinduoduo": r"[1-9]\d{17}",
           "douyin": r"69\d{17}", "xiaohongshu": r"P\d{18}"}


@given(st.integers(min_value=-30, max_value=HISTORY_DAYS + 30))
def test_channel_shares_add_up_to_100_percent_and_douyin_grows(offset):
    day = CLOCK.first_day + timedelta(days=offset)
    shares = channel_shares(CLOCK, day)
    assert set(shares) == set(CHANNEL_SHARES)
    assert sum(shares.values()) == pytest.approx(100)
    assert all(share >= 0 for share in shares.values())
    later = channel_shares(CLOCK, day + timedelta(days=30))
    assert later["douyin"] >= shares["douyin"] and later["own"] <= shares["own"]


def test_every_order_has_a_channel_in_roughly_the_planned_mix(store):
    orders = list(Order.objects.values_list("channel", "placed_at"))
    counts = Counter(channel for channel, _at in orders)
    assert set(counts) <= set(CHANNEL_SHARES)
    share = {code: counts[code] / len(orders) for code in CHANNEL_SHARES}
    for code, low, high in (("own", 0.25, 0.45), ("taobao", 0.2, 0.4), ("jd", 0.08, 0.22),
                            ("pinduoduo", 0.05, 0.16), ("douyin", 0.05, 0.16)):
        assert low < share[code] < high, (code, share)
    # Douyin grows: its share of the history's second half beats the first half's.
    middle = min(at for _c, at in orders) + (max(at for _c, at in orders)
                                             - min(at for _c, at in orders)) / 2
    early = Counter(c for c, at in orders if at < middle)
    recent = Counter(c for c, at in orders if at >= middle)
    assert recent["douyin"] / recent.total() > early["douyin"] / early.total()


def test_platform_orders_carry_a_unique_platform_order_number(store):
    seen = defaultdict(set)
    for channel, external_id in Order.objects.values_list("channel", "external_id"):
        if channel == "own":
            assert external_id == ""
            continue
        assert re.fullmatch(FORMATS[channel], external_id), (channel, external_id)
        assert external_id not in seen[channel]
        seen[channel].add(external_id)


def test_repeat_buyers_mostly_stay_in_one_channel(store):
    channels = defaultdict(list)
    for customer, channel in Order.objects.order_by("placed_at").values_list("customer_id",
                                                                             "channel"):
        channels[customer].append(channel)
    repeat = [c for c in channels.values() if len(c) > 1]
    staying = sum(1 for c in repeat for channel in c[1:] if channel == c[0])
    assert staying / sum(len(c) - 1 for c in repeat) > 0.6


def test_the_placement_log_names_the_orders_channel(store):
    channel_of = {str(pk): channel for pk, channel in Order.objects.values_list("pk", "channel")}
    entries = OperationLog.objects.filter(action="orders.place_order",
                                          object_type="orders.order")
    assert entries.count() == len(channel_of)
    for object_id, after in entries.values_list("object_id", "after"):
        assert after["channel"] == channel_of[object_id]
