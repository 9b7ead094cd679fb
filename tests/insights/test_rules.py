from datetime import UTC, date, datetime, timedelta

import pytest

from zhanggui.insights import rules


@pytest.mark.parametrize(("variability", "expected"), [
    (0.0, "X"), (0.49, "X"), (0.5, "Y"), (0.99, "Y"), (1.0, "Z"), (3.2, "Z"),
    (None, ""), (float("nan"), ""),
])
def test_xyz_class_thresholds(variability, expected):
    assert rules.xyz_class(variability) == expected


def test_weekly_variability_of_steady_and_erratic_demand():
    assert rules.weekly_variability([2.0] * 91) == 0.0
    erratic = ([0.0] * 7 + [14.0] * 7) * 6 + [0.0] * 7  # weeks of 0 and 98 units
    value = rules.weekly_variability(erratic)
    assert value == pytest.approx(1.1242, abs=1e-4)  # sample std 50.85 / mean 45.23
    assert rules.xyz_class(value) == "Z"


def test_weekly_variability_uses_the_last_13_weeks_only():
    old_spikes = [100.0] * 14 + [1.0] * 91
    assert rules.weekly_variability(old_spikes) == 0.0


def test_weekly_variability_unknown_without_enough_history_or_demand():
    assert rules.weekly_variability([1.0] * 90) is None
    assert rules.weekly_variability([0.0] * 91) is None


def test_calendar_events_double_11_and_618_with_their_presale_days():
    events = rules.calendar_events(date(2026, 5, 30), date(2026, 11, 12))
    assert events[date(2026, 11, 11)] == rules.DOUBLE_11
    assert events[date(2026, 11, 1)] == events[date(2026, 11, 10)] == rules.DOUBLE_11_PRESALE
    assert events[date(2026, 6, 18)] == rules.MID_YEAR_618
    assert events[date(2026, 6, 1)] == rules.MID_YEAR_618_PRESALE
    assert date(2026, 11, 12) not in events and date(2026, 5, 31) not in events
    assert len(events) == 11 + 18


def test_stronger_event_wins_a_shared_day():
    assert rules.stronger_event(rules.PROMOTION, rules.DOUBLE_11) == rules.DOUBLE_11
    assert rules.stronger_event("", rules.PROMOTION) == rules.PROMOTION


def test_shrunk_uplift_moves_toward_one_with_few_days():
    assert rules.shrunk_uplift(300, 100, 7) == pytest.approx(2.0)  # ratio 3, weight 1/2
    assert rules.shrunk_uplift(300, 100, 700) == pytest.approx(2.980, abs=1e-3)
    assert rules.shrunk_uplift(300, 100, 0) == 1.0
    assert rules.shrunk_uplift(300, 0, 5) == 1.0
    assert rules.shrunk_uplift(10_000, 1, 1000) == rules.UPLIFT_BOUNDS[1]


def test_only_bounded_promotions_are_events():
    start = datetime(2026, 11, 1, tzinfo=UTC)
    assert rules.is_event_promotion(start, start + timedelta(days=3))
    assert rules.is_event_promotion(start, start + timedelta(days=31))
    assert not rules.is_event_promotion(start, start + timedelta(days=32))
    assert not rules.is_event_promotion(start, None)  # a first-order offer, always on
    assert not rules.is_event_promotion(None, start)
