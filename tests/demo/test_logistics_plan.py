"""The demo's parcel journeys and its simulated clock, without a database."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.demo.context import Clock
from zhanggui.demo.live_setup import simulated_now
from zhanggui.demo.logistics_plan import (
    CARRIERS,
    ON_TIME_PCT,
    Logistics,
    expected_warehouse,
    is_peak,
)
from zhanggui.demo.plans import AddressInfo, OrderPlan

TZ = ZoneInfo("Asia/Shanghai")
CLOCK = Clock(now=datetime(2026, 12, 6, 20, 30, tzinfo=TZ), tz=TZ)


def _order(province: str = "330000") -> OrderPlan:
    address = AddressInfo("张三", "13800000000", province, "杭州", "西湖区", "文三路 1 号",
                          "310000", False)
    return OrderPlan(customer=None, address=address, placed_at=CLOCK.now, lines=[],
                     goods=0, discount=0, shipping=0, total=0)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**6), shipped_minutes=st.integers(0, 300 * 24 * 60),
       road_hours=st.integers(8, 9 * 24), province=st.sampled_from(
           ["330000", "440000", "510000", "110000", "650000"]))
def test_a_journey_is_collected_after_hand_over_and_arrives_after_collection(
        seed, shipped_minutes, road_hours, province):
    logistics = Logistics(random.Random(seed), CLOCK, services={})
    order = _order(province)
    shipped = CLOCK.now - timedelta(days=300) + timedelta(minutes=shipped_minutes)
    natural = shipped + timedelta(hours=road_hours)
    journey = logistics.journey(order, shipped, natural)
    assert journey.carrier in CARRIERS[expected_warehouse(order)].items
    assert journey.collected_at >= shipped + timedelta(minutes=40)
    assert journey.delivered_at >= journey.collected_at + timedelta(hours=8)
    assert journey.promised_at == shipped + timedelta(days=3)  # no service: 3 days
    earliest = journey.collected_at + timedelta(hours=8)
    if natural <= journey.promised_at and journey.delivered_at <= journey.promised_at:
        assert journey.delivered_at == max(natural, earliest)  # on time: the road's time
    if natural > journey.promised_at and journey.delivered_at > journey.promised_at:
        assert journey.delivered_at == max(natural, earliest)  # late: the road's time too


def test_carriers_keep_their_promise_as_often_as_their_record_says():
    logistics = Logistics(random.Random(7), CLOCK, services={})
    kept, total = {}, {}
    shipped = CLOCK.now - timedelta(days=100)
    for n in range(20_000):
        order = _order(("330000", "440000", "510000")[n % 3])
        natural = shipped + timedelta(hours=20 + n % 100)  # before and after the promise
        journey = logistics.journey(order, shipped, natural)
        total[journey.carrier] = total.get(journey.carrier, 0) + 1
        kept[journey.carrier] = kept.get(journey.carrier, 0) + (
            journey.delivered_at <= journey.promised_at)
    for carrier, count in total.items():
        assert abs(kept[carrier] / count - ON_TIME_PCT[carrier] / 100) < 0.03, carrier
    assert kept["sf"] / total["sf"] > kept["jt"] / total["jt"]


def test_warehouses_ship_late_more_often_in_the_festival_peak():
    logistics = Logistics(random.Random(3), CLOCK, services={})
    order = _order("330000")
    quiet = CLOCK.at(date(2026, 9, 8), 10)
    peak = CLOCK.at(date(2026, 11, 11), 10)
    assert is_peak(peak.date()) and not is_peak(quiet.date())
    late_quiet = sum(logistics.ships_late(order, quiet) for _ in range(20_000)) / 20_000
    late_peak = sum(logistics.ships_late(order, peak) for _ in range(20_000)) / 20_000
    assert 0.01 < late_quiet < 0.03 < 0.035 < late_peak < 0.07
    late = logistics.late_ship_time(quiet)
    assert late > quiet + timedelta(hours=48) and 9 <= CLOCK.local(late).hour < 19


def test_the_simulated_clock_is_what_the_actions_read_and_goes_away_on_errors():
    real = timezone.now
    moment = CLOCK.now - timedelta(days=3)
    with pytest.raises(RuntimeError), simulated_now(moment) as clock:
        assert timezone.now() == moment and timezone.localdate() == moment.date()
        clock.set(moment + timedelta(hours=1))
        assert timezone.now() == moment + timedelta(hours=1)
        raise RuntimeError("a failing action")
    assert timezone.now is real
    assert abs(timezone.now() - datetime.now(tz=TZ)) < timedelta(minutes=1)
