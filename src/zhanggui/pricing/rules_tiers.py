"""Member tier decisions: pure, no database.

A member moves up as soon as the basis (spend or points over the review period) reaches a
better tier's threshold; moving down happens only at the review, on the period's basis, at
most one tier at a time when the policy says so. A tier without a threshold for the basis
is never reached automatically, except the lowest tier: the floor everyone may fall to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TierSpec:
    code: str
    rank: int
    threshold: Decimal | None  # None: not reached by the basis (set by hand)


def qualifying_tier(tiers: Sequence[TierSpec], value: Decimal) -> TierSpec | None:
    """The best tier ``value`` qualifies for: the highest rank whose threshold it reaches,
    or the lowest tier when it reaches none (None without tiers)."""
    if not tiers:
        return None
    ordered = sorted(tiers, key=lambda t: t.rank)
    reached = [t for t in ordered if t.threshold is not None and value >= t.threshold]
    return reached[-1] if reached else ordered[0]


def upgrade(tiers: Sequence[TierSpec], current: TierSpec, value: Decimal) -> TierSpec | None:
    """The better tier ``value`` reaches now (None: stay)."""
    best = qualifying_tier(tiers, value)
    return best if best is not None and best.rank > current.rank else None


def review(tiers: Sequence[TierSpec], current: TierSpec, value: Decimal, *,
           is_one_step: bool) -> TierSpec | None:
    """The tier after a review on the period's ``value`` (None: unchanged). Up to what the
    value reaches; down to it, or only to the next lower tier when ``is_one_step``."""
    best = qualifying_tier(tiers, value)
    if best is None or best.rank == current.rank:
        return None
    if best.rank > current.rank or not is_one_step:
        return best
    lower = [t for t in tiers if t.rank < current.rank]
    return max(lower, key=lambda t: t.rank) if lower else None
