"""What an anomaly costs (or brings) in yuan, by the KPI it is on.

Only the adverse direction has an impact (a drop of GMV, orders, conversion or traffic; a
rise of refunds or payment failures); a favourable anomaly counts 0. ``FORMULAS`` says how
each is estimated (the briefing shows it beside the amount).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.core.money import to_money

ADVERSE = {"gmv": "down", "orders_paid": "down", "payment_conversion_rate": "down",
           "visitors": "down", "refund_amount_rate": "up", "payment_failure_rate": "up"}

FORMULAS = {
    "gmv": _("expected GMV − actual GMV, less what payment failures of the same period "
             "already explain"),
    "orders_paid": _("(expected − actual paid orders) × average order value, less what payment "
                     "failures of the same period already explain"),
    "payment_conversion_rate": _("(expected − actual conversion rate) × visitors × spend per "
                                 "paying buyer"),
    "visitors": _("(expected − actual visitors) × expected conversion rate × spend per paying "
                  "buyer"),
    "refund_amount_rate": _("refunds issued − expected refund rate × GMV (the excess refunds)"),
    "payment_failure_rate": _("(actual − expected failure rate) × payment attempts × share of "
                              "failed orders never paid × average order value"),
}


@dataclass(frozen=True)
class PeriodContext:
    """What the period's other KPIs say, for turning a deviation into yuan."""

    aov: float = 0.0  # average order value (expected GMV / expected orders)
    spend_per_buyer: float = 0.0
    conversion: float = 0.0  # expected paying buyers / visitors
    unrecovered: float = 1.0  # share of orders with a failed attempt never paid


def impact(metric: str, *, actual: float, expected: float, denominator: float,
           context: PeriodContext) -> Decimal:
    """The adverse deviation in yuan (0 for a favourable one); see ``FORMULAS``."""
    gap = (expected - actual) if ADVERSE.get(metric) == "down" else (actual - expected)
    if not gap > 0:
        return Decimal("0.00")
    amounts = {
        "gmv": lambda: gap,
        "orders_paid": lambda: gap * context.aov,
        "payment_conversion_rate": lambda: gap * denominator * context.spend_per_buyer,
        "visitors": lambda: gap * context.conversion * context.spend_per_buyer,
        "refund_amount_rate": lambda: gap * denominator,
        "payment_failure_rate": lambda: gap * denominator * context.unrecovered * context.aov,
    }
    return to_money(Decimal(str(round(max(amounts[metric](), 0.0), 2))))


# The shortfalls that a payment-failure anomaly of the same period also causes: its impact
# is taken off theirs, so the briefing does not count the same lost orders twice.
OVERLAPS_PAYMENT_FAILURES = ("gmv", "orders_paid")
