"""Pure calculations of marketing read on top of stored figures (no database): a campaign's
GLOSSARY ``roi`` (attributed GMV / spend), ``gross_profit_roi`` (attributed gross profit /
spend) and ``campaign_conversion_rate`` (recipients with an attributed paid order /
recipients reached), computed when a ``CampaignResult`` is read rather than stored.
"""

from decimal import ROUND_HALF_UP, Decimal

RATIO = Decimal("0.01")  # ROI 1:2.5 reads 2.50
RATE = Decimal("0.0001")  # a fraction: 0.1234 is 12.34 %


def _ratio(numerator: Decimal, denominator: Decimal, step: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(step, rounding=ROUND_HALF_UP)


def roi(gmv: Decimal, cost: Decimal) -> Decimal | None:
    """Attributed GMV / cost, to 0.01 (the guides' "1:2.5" is 2.50); None when nothing was
    spent."""
    return _ratio(gmv, cost, RATIO)


def gross_profit_roi(profit: Decimal, cost: Decimal) -> Decimal | None:
    """Attributed gross profit / cost, to 0.01 (negative when the orders lost money); None
    when nothing was spent."""
    return _ratio(profit, cost, RATIO)


def campaign_conversion_rate(converted: int, reached: int) -> Decimal | None:
    """Recipients with an attributed paid order / recipients reached, a fraction to 0.0001;
    None when nobody was reached (a holdout arm)."""
    return _ratio(Decimal(converted), Decimal(reached), RATE)
