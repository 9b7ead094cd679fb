"""Pure calculations of live sessions: totals, conversion and run-sheet checks (Decimal).

A session's figures are kept either per minute (``LiveMetric.minute``) or per segment
(``LiveMetric.segment``). A minute row holds what happened in that minute: viewers who
entered the room (观看人数 of the minute), the peak concurrent viewers (在线人数峰值) of the
minute, their average watch time, interactions, new followers, product clicks, orders and GMV.

- A segment's figures: its own segment row if the session has no minute rows; else the sum
  of the minute rows within its window ``[start_minute, start_minute + minutes)`` (peak: the
  maximum; average watch time: weighted by viewers).
- The session's totals: the same over all its rows of the kind it keeps (minute rows if any).
  ``viewers`` is then the sum of entries (a viewer who leaves and comes back counts again, as
  the platform's per-minute export counts them).

Conversion (GLOSSARY where it names them):

- ``live_gpm`` GPM (千次观看成交额) = GMV / viewers × 1000
- ``live_click_to_order_rate`` = orders / product clicks
- ``live_interaction_rate`` = interactions / viewers
- ``live_follow_rate`` = new followers / viewers
- ``live_conversion_rate`` = orders / viewers (orders stand for buyers)
- ``live_target_attainment`` = GMV / GMV target

A ratio whose denominator is 0 is ``None`` (no figure), never 0.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zhanggui.core.money import CENT, ZERO

RATE_PLACES = Decimal("0.0001")
COUNTS = ("viewers", "interactions", "new_followers", "product_clicks", "orders")


@dataclass(frozen=True)
class Figures:
    """One metric row's figures, or a sum of rows."""

    viewers: int = 0
    peak_concurrent: int = 0
    avg_watch_seconds: int = 0
    interactions: int = 0
    new_followers: int = 0
    product_clicks: int = 0
    orders: int = 0
    gmv: Decimal = ZERO


@dataclass(frozen=True)
class Conversion:
    figures: Figures
    gpm: Decimal | None = None
    click_to_order_rate: Decimal | None = None
    interaction_rate: Decimal | None = None
    follow_rate: Decimal | None = None
    conversion_rate: Decimal | None = None
    target_attainment: Decimal | None = None


@dataclass(frozen=True)
class Slot:
    """A segment's place in the run sheet."""

    position: int
    start_minute: int
    minutes: int


@dataclass(frozen=True)
class TimingIssue:
    code: str  # "overlap" | "over_length"
    positions: tuple[int, ...] = field(default_factory=tuple)


def ratio(numerator, denominator, places: Decimal = RATE_PLACES) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, ROUND_HALF_UP)


def combine(rows: Iterable[Figures]) -> Figures:
    """The sum of rows: counts and GMV added, peak the maximum, average watch time weighted by
    viewers (plain mean of the rows when nobody viewed)."""
    rows = list(rows)
    if not rows:
        return Figures()
    viewers = sum(r.viewers for r in rows)
    if viewers:
        watch = sum(Decimal(r.avg_watch_seconds) * r.viewers for r in rows) / viewers
    else:
        watch = Decimal(sum(r.avg_watch_seconds for r in rows)) / len(rows)
    return Figures(
        viewers=viewers, peak_concurrent=max(r.peak_concurrent for r in rows),
        avg_watch_seconds=int(watch.quantize(Decimal(1), ROUND_HALF_UP)),
        interactions=sum(r.interactions for r in rows),
        new_followers=sum(r.new_followers for r in rows),
        product_clicks=sum(r.product_clicks for r in rows), orders=sum(r.orders for r in rows),
        gmv=sum((r.gmv for r in rows), ZERO).quantize(CENT))


def conversion(figures: Figures, target: Decimal | None = None) -> Conversion:
    """The conversion figures of a segment or a session (see the module docstring)."""
    gpm = ratio(figures.gmv * 1000, figures.viewers, CENT)
    return Conversion(
        figures=figures, gpm=gpm,
        click_to_order_rate=ratio(figures.orders, figures.product_clicks),
        interaction_rate=ratio(figures.interactions, figures.viewers),
        follow_rate=ratio(figures.new_followers, figures.viewers),
        conversion_rate=ratio(figures.orders, figures.viewers),
        target_attainment=ratio(figures.gmv, target) if target else None)


def in_window(minute: int, slot: Slot) -> bool:
    return slot.start_minute <= minute < slot.start_minute + slot.minutes


def segment_figures(slot: Slot, minute_rows: Sequence[tuple[int, Figures]],
                    segment_row: Figures | None) -> Figures:
    """A segment's figures: the minute rows in its window when the session keeps minute rows,
    else its own segment row (none: zeros)."""
    if minute_rows:
        return combine(f for minute, f in minute_rows if in_window(minute, slot))
    return segment_row or Figures()


def timing_issues(slots: Sequence[Slot], planned_minutes: int) -> list[TimingIssue]:
    """Run-sheet checks: segments whose windows overlap (each pair, in run-sheet order) and
    segments that end after the planned length of the session."""
    issues: list[TimingIssue] = []
    ordered = sorted(slots, key=lambda s: (s.start_minute, s.position))
    for i, first in enumerate(ordered):
        end = first.start_minute + first.minutes
        for second in ordered[i + 1:]:
            if second.start_minute >= end:
                break
            if second.minutes and first.minutes:
                issues.append(TimingIssue("overlap", tuple(sorted((first.position,
                                                                   second.position)))))
    for slot in sorted(slots, key=lambda s: s.position):
        if slot.start_minute + slot.minutes > planned_minutes:
            issues.append(TimingIssue("over_length", (slot.position,)))
    return issues


def next_start(slots: Sequence[Slot]) -> int:
    """Where a new segment starts by default: after the last one ends."""
    return max((s.start_minute + s.minutes for s in slots), default=0)
