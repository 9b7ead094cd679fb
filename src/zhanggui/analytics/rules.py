"""Pure calculations of the analytics reports: periods, comparisons, classes and segments.

No database here: everything is tested exhaustively in ``tests/analytics/test_rules.py``.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """A half-open range of shop-local dates [start, end)."""

    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def previous_period(period: Period) -> Period:
    """The period of the same length just before."""
    return Period("previous", period.start - timedelta(days=period.days), period.start)


def same_period_last_year(period: Period) -> Period:
    """The same dates one year earlier (29 February becomes 28 February)."""
    return Period("last_year", _year_earlier(period.start), _year_earlier(period.end))


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def window_ending(period: Period, days: int, label: str | None = None) -> Period:
    """The ``days``-day window that ends where ``period`` ends."""
    return Period(label or period.label, period.end - timedelta(days=days), period.end)


@dataclass(frozen=True)
class Comparison:
    """A figure of this period against the same figure of a period before.

    ``kind`` says how to show it: ``rate``: the relative change ``rate`` (a fraction);
    ``new``: nothing before, something now (新增); ``none``: nothing in either, or a figure
    missing (—); ``absolute``: the base is too small or negative for a percentage to mean
    anything (base 12, now 7,297 is not "+60,708 %"): show both numbers.
    """

    kind: str
    rate: float | None
    base: object
    current: object

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rate": self.rate, "base": self.base, "current": self.current}


def compare(current, base, *, min_base=0, size=None) -> Comparison:
    """``current`` against ``base`` (numbers, Decimals or None).

    A relative change only when the base is above zero and its size is at least
    ``min_base``. The size is the base itself for a total (a count, an amount), and for a
    ratio the earlier period's denominator (``size``): a conversion rate of 3 visitors or an
    average of 2 orders moves by chance. A total of zero gives ``new`` when the current
    figure is above zero (a ratio of zero, ``absolute``: "0.00% → 9.66%" says more) and
    ``none`` when it is zero too; a small or negative base (or a current figure below zero
    on a zero base) gives ``absolute``; a missing figure (a ratio of nothing) gives ``none``.
    """
    if current is None or base is None:
        return Comparison("none", None, base, current)
    now, before = Decimal(str(current)), Decimal(str(base))
    if before == 0:
        kind = "none" if now == 0 else ("new" if now > 0 and size is None else "absolute")
        return Comparison(kind, None, base, current)
    measured = before if size is None else Decimal(str(size))
    if before < 0 or measured < Decimal(str(min_base)):
        return Comparison("absolute", None, base, current)
    return Comparison("rate", float((now - before) / before), base, current)


def ratio(numerator, denominator, *, money: bool = False):
    """numerator / denominator; money is a Decimal to the cent, a rate a float fraction;
    None when the denominator is 0."""
    if not denominator:
        return None
    if money:
        return (Decimal(numerator) / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)
    return float(Decimal(numerator) / Decimal(denominator))


def abc_classes(values: dict, *, a_share: float = 0.8, b_share: float = 0.95) -> dict:
    """ABC class of each key by its share of the total, largest first: A until the
    cumulative share reaches ``a_share`` (the item that crosses it is A), B until
    ``b_share``, C for the rest. Ties are broken by key so the result is deterministic."""
    amounts = {key: Decimal(str(value)) for key, value in values.items()}
    total = sum(amounts.values(), Decimal(0))
    # share before < limit, without dividing: running < limit × total (all shares are 1
    # when the total is 0).
    a_limit, b_limit = (Decimal(str(share)) * total for share in (a_share, b_share))
    classes, running = {}, Decimal(0)
    for key, amount in sorted(amounts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if total:
            classes[key] = "A" if running < a_limit else ("B" if running < b_limit else "C")
        else:
            classes[key] = "A" if a_share > 1 else ("B" if b_share > 1 else "C")
        running += amount
    return classes


def lifecycle_stage(*, days_on_sale: int, recent_units: int, earlier_units: int,
                    new_days: int = 30, growth: float = 1.2, decline: float = 0.8) -> str:
    """Lifecycle stage of a product from its sales in the last two windows of equal length.

    new: first sold less than ``new_days`` ago; growing: recent units ≥ ``growth`` × earlier;
    declining: recent ≤ ``decline`` × earlier; mature otherwise.
    """
    if days_on_sale < new_days:
        return "new"
    if earlier_units == 0:
        return "growing" if recent_units > 0 else "declining"
    if recent_units >= growth * earlier_units:
        return "growing"
    if recent_units <= decline * earlier_units:
        return "declining"
    return "mature"


# The classic eight RFM segments: each of R, F, M is "high" when the customer does better
# than the average of all buyers (recency: fewer days since the last order).
RFM_SEGMENTS = {
    (True, True, True): "important_value",
    (True, False, True): "important_development",
    (False, True, True): "important_retention",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (True, False, False): "general_development",
    (False, True, False): "general_retention",
    (False, False, False): "general_winback",
}


SPENDING_TIERS = (Decimal(0), Decimal(100), Decimal(300), Decimal(1000), Decimal(3000))


def spending_tier_sql(column: str, bounds=SPENDING_TIERS) -> str:
    """SQL for the index of the tier whose lower bound is the largest one ≤ the amount
    (0 below every bound)."""
    cases = " ".join(f"WHEN {column} >= {bound} THEN {index}"
                     for index, bound in reversed(list(enumerate(bounds))) if index)
    return f"CASE {cases} ELSE 0 END"
