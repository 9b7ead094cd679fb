"""Pure calculations of the supply reports: XYZ classes, slow movers and what to do with
them, the spreading of ad spend over drop-ship sales, drop-ship profit and ROI, targets.

No database here: ``tests/analytics/test_rules_supply.py`` checks them against cases worked
out by hand.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from zhanggui.inventory import rules as inventory_rules

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# XYZ by inventory's rule (the forecasts use the same): X steady, Y variable, Z erratic.
XYZ_WEEKS = inventory_rules.XYZ_WEEKS
coefficient_of_variation = inventory_rules.coefficient_of_variation


def xyz_class(cv: float | None) -> str:
    """Inventory's XYZ class, and Z without a cv (no demand in the weeks looked at: nothing
    steady to plan on; the forecasts leave their class empty)."""
    return inventory_rules.xyz_class(cv) or "Z"


def weekly_series(units_by_week: Mapping[int, float], weeks: int = XYZ_WEEKS) -> list[float]:
    """Units of the ``weeks`` weeks (0 = the latest), a week without sales counting 0."""
    return [float(units_by_week.get(week, 0)) for week in range(weeks)]


@dataclass(frozen=True)
class StockAdvice:
    """What to do with a SKU's stock: ``action`` "" (nothing), "clearance" (清仓: sets, 满减,
    a discount) or "delist" (下架), and why (``reason`` code and its numbers)."""

    is_slow: bool
    action: str
    reason: str
    days_of_supply: float | None


def stock_advice(*, available: int, avg_daily_units: float, last_sold_on: date | None,
                 today: date, abc: str, listed: bool, slow_days: int = 90,
                 no_sale_days: int = 60, delist_days: int = 91) -> StockAdvice:
    """A SKU is a slow mover when it has stock and either its days of supply (available /
    average daily units) exceed ``slow_days`` or it has not sold for ``no_sale_days`` days.

    A slow mover is for clearance (清仓: REQUIREMENTS §1 slow-seller detection, §2 "clearance:
    sets"); one of class C, listed, with no sale for ``delist_days`` or more (or never sold)
    is for delisting after the stock is cleared (下架: "定期清理滞销商品"). Nothing in stock:
    no advice (replenishment decides).
    """
    days = available / avg_daily_units if avg_daily_units > 0 else None
    idle = (today - last_sold_on).days if last_sold_on else None
    if available <= 0:
        return StockAdvice(False, "", "", days)
    too_much = days is None or days > slow_days
    unsold = idle is None or idle >= no_sale_days
    if not (too_much or unsold):
        return StockAdvice(False, "", "", days)
    if listed and abc == "C" and (idle is None or idle >= delist_days):
        return StockAdvice(True, "delist", "never_sold" if idle is None else "no_sale", days)
    if unsold:
        return StockAdvice(True, "clearance", "never_sold" if idle is None else "no_sale", days)
    return StockAdvice(True, "clearance", "days_of_supply", days)


# ---- ad spend, profit and ROI of drop-ship sales --------------------------------------------

@dataclass(frozen=True)
class Sale:
    """A part of a drop-ship sale: ``key`` (e.g. the supplier order), the shop-local ``day`` of
    payment, the product and its GMV (the order's paid amount spread over its goods)."""

    key: object
    day: date
    product_id: int
    gmv: Decimal


def allocate_ad_spend(sales: Iterable[Sale], *, product_gmv: Mapping[tuple[date, int], Decimal],
                      day_gmv: Mapping[date, Decimal],
                      product_spend: Mapping[tuple[date, int], Decimal],
                      shop_spend: Mapping[date, Decimal]) -> dict:
    """The ad spend allocated to each sale's ``key``, to the cent (half up).

    A sale of product p paid on day d takes the day's spend on p in proportion to its share of
    p's GMV that day (``product_gmv[(d, p)]``, every sale of p, drop-ship or not), and the
    day's shop-wide spend in proportion to its share of all the day's GMV (``day_gmv[d]``).
    A day or product without GMV takes nothing (``unsold_spend`` says what is left over).
    """
    allocated: dict = defaultdict(Decimal)
    for sale in sales:
        share = Decimal(0)
        own = Decimal(product_spend.get((sale.day, sale.product_id), 0))
        product_total = Decimal(product_gmv.get((sale.day, sale.product_id), 0))
        if own and product_total > 0:
            share += own * Decimal(sale.gmv) / product_total
        shop = Decimal(shop_spend.get(sale.day, 0))
        day_total = Decimal(day_gmv.get(sale.day, 0))
        if shop and day_total > 0:
            share += shop * Decimal(sale.gmv) / day_total
        allocated[sale.key] += share
    return {key: value.quantize(CENT, ROUND_HALF_UP) for key, value in allocated.items()}


def unsold_spend(product_gmv: Mapping[tuple[date, int], Decimal],
                 product_spend: Mapping[tuple[date, int], Decimal]) -> dict[int, Decimal]:
    """Per product, its spend on days it sold nothing (no sale to carry it)."""
    left: dict[int, Decimal] = defaultdict(Decimal)
    for (day, product_id), amount in product_spend.items():
        if Decimal(product_gmv.get((day, product_id), 0)) <= 0 and amount:
            left[product_id] += Decimal(amount)
    return {p: v.quantize(CENT, ROUND_HALF_UP) for p, v in left.items()}


@dataclass(frozen=True)
class Profit:
    paid: Decimal
    commission: Decimal
    cost: Decimal
    ad_spend: Decimal
    profit: Decimal


def dropship_profit(*, paid: Decimal, commission_rate: Decimal, cost: Decimal,
                    ad_spend: Decimal) -> Profit:
    """paid − commission (rate × paid, to the cent, half up) − drop-ship cost − ad spend."""
    commission = (Decimal(paid) * Decimal(commission_rate)).quantize(CENT, ROUND_HALF_UP)
    profit = Decimal(paid) - commission - Decimal(cost) - Decimal(ad_spend)
    return Profit(paid=Decimal(paid), commission=commission, cost=Decimal(cost),
                  ad_spend=Decimal(ad_spend), profit=profit.quantize(CENT, ROUND_HALF_UP))


def roi(gmv: Decimal, spend: Decimal) -> float | None:
    """GMV / spend (GLOSSARY ``roi``: "1:2.5" is 2.5); None without spend."""
    if not spend or Decimal(spend) <= 0:
        return None
    return float(Decimal(gmv) / Decimal(spend))


def below(value: float | None, floor) -> bool:
    """Whether a ROI is known and below ``floor``."""
    return value is not None and value < float(floor)


def verdict(value, target, *, at_most: bool = False) -> bool | None:
    """Whether ``value`` meets ``target`` (≥, or ≤ with ``at_most``); None without a value."""
    if value is None:
        return None
    return float(value) <= float(target) if at_most else float(value) >= float(target)
