"""The store's year: how busy each day and hour is, and which promotion runs when.

Weekly rhythm (weekends heavier), evening peaks, the 618 and 双11/双12 shopping festivals
and the Spring Festival dip (couriers stop; people are home), plus slow growth.
All weights are integers or exact Decimals so the generator stays deterministic.
"""

from datetime import date, timedelta
from decimal import Decimal

# Lunar New Year (春节) by Gregorian year; the dip is computed from this table.
LUNAR_NEW_YEAR = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
}

# Monday … Sunday, in percent of an average day.
WEEKDAY_PCT = (92, 90, 94, 97, 106, 122, 119)
# Hour 0 … 23 of the shop's time zone: quiet nights, lunch bump, evening peak 20–22 h.
HOUR_WEIGHTS = (22, 12, 6, 3, 2, 3, 6, 14, 30, 42, 50, 56, 62, 54, 50, 52, 55, 58, 62, 78,
                98, 110, 92, 52)


def lunar_new_year(year: int) -> date | None:
    return LUNAR_NEW_YEAR.get(year)


def festival_pct(day: date) -> int:
    """How much busier ``day`` is than usual because of a shopping festival, in percent."""
    if day.month == 6 and day.day <= 18:
        return 380 if day.day == 18 else (200 if day.day in (1, 16, 17) else 140)
    if day.month == 10 and day.day >= 20:
        return 130  # 双11 pre-sale
    if day.month == 11 and day.day <= 11:
        return 620 if day.day == 11 else (230 if day.day in (1, 10) else 150)
    if day.month == 12 and 10 <= day.day <= 12:
        return 260 if day.day == 12 else 150
    return 100


def spring_festival_pct(day: date) -> int:
    """The Spring Festival: stocking up before (年货), a deep dip around it, slow recovery."""
    for year in (day.year, day.year + 1):
        new_year = lunar_new_year(year)
        if new_year is None:
            continue
        offset = (day - new_year).days
        if -24 <= offset <= -11:
            return 125
        if -10 <= offset <= -4:
            return 70
        if -3 <= offset <= 6:
            return 32
        if 7 <= offset <= 14:
            return 75
    return 100


def day_weight(day: date, last_day: date) -> int:
    """Relative order volume of ``day`` (an integer; larger is busier)."""
    # The shop grows about 35 % a year: 115 today, 85 a year ago, lower before (the same
    # seasons at a lower level, so last year's figures are in proportion to this year's).
    growth_pct = max(40, 115 - 30 * (last_day - day).days // 365)
    return (WEEKDAY_PCT[day.weekday()] * festival_pct(day) * spring_festival_pct(day)
            * growth_pct // 1000)


def category_boost_pct(top_key: str, day: date) -> int:
    """Seasonal share shifts between categories: food before Spring Festival, clothing in
    spring and autumn, electronics at 双11, bedding in winter."""
    if top_key == "food" and spring_festival_pct(day) == 125:
        return 250
    if top_key == "clothing" and day.month in (3, 4, 5, 9, 10):
        return 130
    if top_key == "electronics" and day.month == 11 and day.day <= 11:
        return 160
    if top_key == "home" and day.month in (11, 12, 1):
        return 140
    return 100


def promotion(day: date) -> tuple[str, Decimal, Decimal] | None:
    """The store-wide 满减 running on ``day``: (name, every-threshold, amount off each)."""
    if day.month == 6 and day.day <= 18:
        return ("618 年中大促", Decimal(300), Decimal(40))
    if day.month == 11 and day.day <= 11:
        return ("双11 狂欢节", Decimal(300), Decimal(50))
    if day.month == 12 and 10 <= day.day <= 12:
        return ("双12 好物节", Decimal(200), Decimal(20))
    return None


def days_between(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
