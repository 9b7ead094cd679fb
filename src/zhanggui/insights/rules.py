"""Pure calculations of the insights app (no database): demand variability and its XYZ
class, the event calendar the forecasts know in advance, and the shrinkage of an estimated
event uplift.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from math import isfinite

from zhanggui.inventory import rules as inventory_rules

# Demand variability is classed by inventory's XYZ rule (docs/supply.md "Demand forecasts").
VARIABILITY_WEEKS = inventory_rules.XYZ_WEEKS
xyz_class = inventory_rules.xyz_class

# Event kinds, strongest first: a day that is two kinds counts as the first.
DOUBLE_11 = "double_11"
DOUBLE_11_PRESALE = "double_11_presale"
MID_YEAR_618 = "mid_year_618"
MID_YEAR_618_PRESALE = "mid_year_618_presale"
PROMOTION = "promotion"
EVENT_KINDS = (DOUBLE_11, DOUBLE_11_PRESALE, MID_YEAR_618, MID_YEAR_618_PRESALE, PROMOTION)

# 双11: Nov 11; its presale (预售) days are Nov 1–10, when deposits are paid off and the
# early offers run. 618: Jun 18, and Jun 1–17 before it.
DOUBLE_11_PRESALE_FROM = 1
MID_YEAR_618_PRESALE_FROM = 1

# A promotion is an event when it has a start and an end at most this far apart; one without
# an end (a first-order offer) or running longer is the shop's everyday pricing.
PROMOTION_EVENT_MAX_DAYS = 31

# The uplift estimated from history is shrunk toward 1 as if this many event days without
# any uplift had been seen as well.
UPLIFT_PRIOR_DAYS = 7
UPLIFT_BOUNDS = (0.2, 10.0)


def weekly_variability(daily: Sequence[float], *, weeks: int = VARIABILITY_WEEKS) -> float | None:
    """Coefficient of variation (sample std / mean) of weekly demand over the last ``weeks``
    whole weeks of ``daily`` (oldest first; the last value is the latest day).

    None when there are fewer than ``weeks`` weeks or no demand at all in them.
    """
    if weeks < 2 or len(daily) < 7 * weeks:
        return None
    recent = list(daily)[-7 * weeks:]
    return inventory_rules.coefficient_of_variation(
        sum(recent[7 * n:7 * n + 7]) for n in range(weeks))


def calendar_events(start: date, end: date) -> dict[date, str]:
    """The shop-wide events known in advance on the days ``start`` … ``end`` (inclusive):
    双11 and its presale days, 618 and the days before it."""
    events: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day in _days(date(year, 11, DOUBLE_11_PRESALE_FROM), date(year, 11, 10)):
            events[day] = DOUBLE_11_PRESALE
        events[date(year, 11, 11)] = DOUBLE_11
        for day in _days(date(year, 6, MID_YEAR_618_PRESALE_FROM), date(year, 6, 17)):
            events[day] = MID_YEAR_618_PRESALE
        events[date(year, 6, 18)] = MID_YEAR_618
    return {day: kind for day, kind in events.items() if start <= day <= end}


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def is_event_promotion(starts_at: datetime | None, ends_at: datetime | None) -> bool:
    """Whether a promotion running from ``starts_at`` to ``ends_at`` is an event the forecasts
    apply an uplift to (bounded, at most ``PROMOTION_EVENT_MAX_DAYS`` days)."""
    if starts_at is None or ends_at is None:
        return False
    return ends_at - starts_at <= timedelta(days=PROMOTION_EVENT_MAX_DAYS)


def stronger_event(first: str, second: str) -> str:
    """Of two event kinds on one day, the one that counts (earlier in ``EVENT_KINDS``)."""
    if not first:
        return second
    if not second:
        return first
    return min(first, second, key=EVENT_KINDS.index)


def shrunk_uplift(actual: float, baseline: float, event_days: int, *,
                  prior_days: int = UPLIFT_PRIOR_DAYS) -> float:
    """The demand multiplier of an event kind: the pooled ratio of actual to baseline demand
    on its past days, shrunk toward 1 by ``event_days / (event_days + prior_days)`` and kept
    within ``UPLIFT_BOUNDS``. 1 without history (no days or no baseline)."""
    if event_days <= 0 or baseline <= 0 or not isfinite(actual) or not isfinite(baseline):
        return 1.0
    ratio = actual / baseline
    weight = event_days / (event_days + prior_days)
    low, high = UPLIFT_BOUNDS
    return min(high, max(low, 1.0 + (ratio - 1.0) * weight))
