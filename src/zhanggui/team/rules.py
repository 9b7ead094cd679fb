"""Pure calculations of the team's KPIs: the share of a period elapsed, attainment and
status. No database here (``tests/team/test_rules.py`` checks them with hypothesis).

- ``elapsed_share``: the days of the period up to and including today / its days (0 before
  it starts, 1 once it is over).
- ``attainment``: actual / target when higher is better, target / actual when lower is
  better (an actual of 0 then meets any target: the cap); None without an actual or with a
  target of 0 where it would divide by it. Shown capped at ``ATTAINMENT_CAP`` (200 %).
- ``expected``: what the target asks by today: target × elapsed share for a cumulative KPI
  (GMV), the target itself for a rate, a median or a score.
- ``status``: ``no_data`` (no actual), ``not_started`` (the period lies ahead), else
  ``on_track`` when the actual meets the expected value (≥ for higher is better, ≤ for
  lower), ``behind`` otherwise; an ended period says ``met`` or ``missed``.
"""

from datetime import date
from decimal import Decimal

ATTAINMENT_CAP = Decimal("2")
NO_DATA, NOT_STARTED, ON_TRACK, BEHIND, MET, MISSED = (
    "no_data", "not_started", "on_track", "behind", "met", "missed")


def elapsed_share(start: date, end: date, today: date) -> Decimal:
    """Share of [start, end] (both days included) elapsed by the end of ``today``."""
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def attainment(actual: Decimal | None, target: Decimal, *, lower_is_better: bool) -> Decimal | None:
    if actual is None:
        return None
    if lower_is_better:
        if actual <= 0:
            return ATTAINMENT_CAP
        return min(target / actual, ATTAINMENT_CAP)
    if target <= 0:
        return None
    return min(max(actual / target, Decimal(0)), ATTAINMENT_CAP)


def expected(target: Decimal, share: Decimal, *, cumulative: bool) -> Decimal:
    return target * share if cumulative else target


def status(actual: Decimal | None, target: Decimal, share: Decimal, *, cumulative: bool,
           lower_is_better: bool) -> str:
    if share <= 0:
        return NOT_STARTED
    if actual is None:
        return NO_DATA
    wanted = expected(target, share, cumulative=cumulative)
    good = actual <= wanted if lower_is_better else actual >= wanted
    if share >= 1:
        return MET if good else MISSED
    return ON_TRACK if good else BEHIND


def to_decimal(value) -> Decimal | None:
    """A registry value (int, float, Decimal or None) as a Decimal."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
