"""Points arithmetic (积分): pure functions, no database.

Earning, the share of an order's points a refund reverses, and which lots a withdrawal
draws on. ``customers.points`` runs them under the account's row lock.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from zhanggui.core.money import ZERO, to_money


def add_months(at: datetime, months: int) -> datetime:
    """``at`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def points_for_amount(amount: Decimal, *, points_per_yuan: Decimal, multiplier: Decimal) -> int:
    """Points earned on ``amount`` yuan: amount × rate × multiplier, rounded down (never
    negative)."""
    if amount <= 0 or points_per_yuan <= 0 or multiplier <= 0:
        return 0
    return int((Decimal(amount) * Decimal(points_per_yuan) * Decimal(multiplier))
               .to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class Reversal:
    """What a refund takes back: ``due`` points (of which the balance may cover less) and
    the share of the basis amount behind them."""

    due: int
    basis_amount: Decimal


def refund_reversal(*, earned: int, basis_amount: Decimal, refunded_amount: Decimal,
                    paid_amount: Decimal, reversed_points: int,
                    reversed_basis: Decimal) -> Reversal:
    """The points a refund reverses, cumulatively: after refunds totalling
    ``refunded_amount`` of ``paid_amount`` the order has reversed
    floor(earned × refunded / paid) in all, so a full refund reverses exactly ``earned`` and
    never more, and calling again with the same total reverses nothing.

    ``reversed_points``/``reversed_basis`` are what earlier refunds already took (positive).
    """
    if earned <= 0 or paid_amount <= 0:
        return Reversal(0, ZERO)
    refunded = min(max(Decimal(refunded_amount), ZERO), Decimal(paid_amount))
    target = int((earned * refunded / Decimal(paid_amount)).to_integral_value(rounding=ROUND_FLOOR))
    basis_target = to_money(Decimal(basis_amount) * refunded / Decimal(paid_amount))
    if refunded == paid_amount:
        target, basis_target = earned, to_money(basis_amount)
    return Reversal(max(target - reversed_points, 0), max(basis_target - reversed_basis, ZERO))


@dataclass(frozen=True)
class Lot:
    """A lot as the draw sees it: id, points left, expiry (None: never), created."""

    lot_id: int
    remaining: int
    expires_at: datetime | None
    created_at: datetime


def draw_order(lots: Sequence[Lot], *, first: frozenset[int] = frozenset()) -> list[Lot]:
    """Lots in the order withdrawals draw on them: the ids in ``first`` (a refund draws on
    its own order's lot first), then by earliest expiry (never-expiring last), then oldest."""
    def key(lot: Lot):
        # never-expiring lots last; among them (and on equal expiry) the oldest first
        return (lot.lot_id not in first, lot.expires_at is None, lot.expires_at or lot.created_at,
                lot.created_at, lot.lot_id)

    return sorted((lot for lot in lots if lot.remaining > 0), key=key)


def plan_draw(lots: Sequence[Lot], points: int, *,
              first: frozenset[int] = frozenset()) -> list[tuple[Lot, int]]:
    """(lot, points taken) to withdraw ``points`` from ``lots``, first-expiring first.

    Raises:
        ValueError: the lots hold fewer than ``points``.
    """
    if points <= 0:
        return []
    taken, left = [], points
    for lot in draw_order(lots, first=first):
        take = min(lot.remaining, left)
        taken.append((lot, take))
        left -= take
        if left == 0:
            return taken
    raise ValueError("the lots hold fewer points than asked for")
