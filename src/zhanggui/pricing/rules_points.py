"""Points as payment (积分抵扣) in the price engine: pure arithmetic, no database.

The cart asks to redeem N points; the engine takes
min(N, balance, floor(max_redeem_rate × goods after discounts × points_per_yuan_redeemed)),
rounded down to whole cents' worth, and charges the fewest points worth that many cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from zhanggui.core.money import ZERO


@dataclass(frozen=True)
class PointsRequest:
    """What the cart asks for and what the buyer and the policy allow."""

    requested: int
    balance: int
    points_per_yuan: int = 100  # points worth one yuan
    max_rate: Decimal = Decimal("0.5")  # share of the goods after discounts points may pay


def redeemable(request: PointsRequest, goods_amount: Decimal) -> tuple[int, Decimal]:
    """(points charged, amount they pay) for ``goods_amount`` (after every discount).

    The amount is whole cents, at most ``max_rate`` of the goods; the points charged are the
    fewest worth that amount, never more than asked for nor than the balance.
    """
    per_yuan = request.points_per_yuan
    if request.requested <= 0 or request.balance <= 0 or per_yuan <= 0 or goods_amount <= 0:
        return 0, ZERO
    rate = min(max(Decimal(request.max_rate), ZERO), Decimal(1))
    cap = int((rate * Decimal(goods_amount) * per_yuan).to_integral_value(rounding=ROUND_FLOOR))
    usable = min(request.requested, request.balance, cap)
    cents = usable * 100 // per_yuan
    if cents <= 0:
        return 0, ZERO
    points = -(-cents * per_yuan // 100)  # the fewest points worth ``cents``
    return points, Decimal(cents).scaleb(-2)
