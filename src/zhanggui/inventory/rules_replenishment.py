"""Pure replenishment rules (GLOSSARY safety_stock, reorder_point, days_of_supply).

Units are quantities, not money: the arithmetic runs in floats and the figures a person acts
on come out as whole units (``plan``), rounded up so that the rounding never lowers the
protection a service level asks for.

Symbols: ``d`` forecast daily demand and ``sigma_d`` the standard deviation of its daily
error (units/day, ``ForecastFit.mean_daily_demand`` / ``error_std``); ``lead_days`` (L) and
``lead_std_days`` (σ_L) the supplier's lead time and its spread, in days. Demand over a lead
time is taken as normal with mean d·L and variance L·σ_d² + d²·σ_L² (independent daily
errors; lead time independent of demand).

* safety stock = z(service level) × √(L·σ_d² + d²·σ_L²)
* reorder point = d × L + safety stock
* an order is due when the stock position (available + on order) ≤ the reorder point; it then
  raises the position to the reorder point plus ``review_days`` of demand (until the next
  look at the list): quantity = reorder point + d × review_days − position, before the
  supplier's pack size and minimum order quantity (``suppliers.rules_replenishment``)
* stock-out risk in the lead time = P(demand over L > position)
* days of supply = available / d (at the forecast demand; GLOSSARY's ``days_of_supply`` divides
  by the last 28 days' average sales instead, which the SKU page shows beside it)
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

_STANDARD = NormalDist()
# Float noise below this never turns a whole number of units into the next one up.
_EPSILON = 1e-9


def service_z(service_level: float) -> float:
    """The standard normal quantile of a service level (0.95 → 1.645).

    Raises:
        ValueError: unless 0.5 < ``service_level`` < 1 (below 0.5 the safety stock would be
            negative; 1 would need infinite stock).
    """
    level = float(service_level)
    if not 0.5 < level < 1:
        raise ValueError(f"service level must be between 0.5 and 1 (exclusive), not {level}")
    return _STANDARD.inv_cdf(level)


def lead_time_demand_std(*, d: float, sigma_d: float, lead_days: float,
                         lead_std_days: float) -> float:
    """√(L·σ_d² + d²·σ_L²): the standard deviation of demand over a lead time."""
    d, sigma_d = max(float(d), 0.0), max(float(sigma_d), 0.0)
    lead, spread = max(float(lead_days), 0.0), max(float(lead_std_days), 0.0)
    return math.sqrt(lead * sigma_d ** 2 + d ** 2 * spread ** 2)


def safety_stock(service_level: float, *, d: float, sigma_d: float, lead_days: float,
                 lead_std_days: float) -> float:
    """z(service level) × √(L·σ_d² + d²·σ_L²) (units, not rounded)."""
    return service_z(service_level) * lead_time_demand_std(
        d=d, sigma_d=sigma_d, lead_days=lead_days, lead_std_days=lead_std_days)


def reorder_point(service_level: float, *, d: float, sigma_d: float, lead_days: float,
                  lead_std_days: float) -> float:
    """d × L + safety stock (units, not rounded)."""
    return max(float(d), 0.0) * max(float(lead_days), 0.0) + safety_stock(
        service_level, d=d, sigma_d=sigma_d, lead_days=lead_days, lead_std_days=lead_std_days)


def days_of_supply(available: float, daily_demand: float) -> float | None:
    """Days the available units last at ``daily_demand`` units a day; None without demand
    (stock that does not sell lasts for ever). Never negative."""
    if daily_demand is None or float(daily_demand) <= 0:
        return None
    return max(float(available), 0.0) / float(daily_demand)


def stockout_risk(*, position: float, d: float, sigma_d: float, lead_days: float,
                  lead_std_days: float) -> float:
    """P(demand over the lead time > ``position``) under the normal approximation; without
    any spread, 1 when the expected lead-time demand exceeds the position, else 0."""
    mean = max(float(d), 0.0) * max(float(lead_days), 0.0)
    std = lead_time_demand_std(d=d, sigma_d=sigma_d, lead_days=lead_days,
                               lead_std_days=lead_std_days)
    if std <= 0:
        return 1.0 if mean > float(position) else 0.0
    return 1.0 - NormalDist(mean, std).cdf(float(position))


def order_quantity(*, position: float, reorder_point_units: float, d: float,
                   review_days: float) -> float:
    """Units to order before pack and MOQ rounding: 0 while the position is above the
    reorder point, else reorder point + d × review days − position (never negative)."""
    position = float(position)
    if position > reorder_point_units + _EPSILON:
        return 0.0
    return max(0.0, reorder_point_units + max(float(d), 0.0) * max(float(review_days), 0.0)
               - position)


def whole_units(value: float) -> int:
    """Rounded up to whole units (never below 0); float noise is not a unit."""
    return max(0, math.ceil(float(value) - _EPSILON))


@dataclass(frozen=True)
class Replenishment:
    """The replenishment figures of one SKU in one warehouse (whole units out)."""

    safety_stock: int
    reorder_point: int
    position: int
    days_of_supply: float | None
    stockout_risk: float
    order_quantity: int  # before the supplier's pack size and MOQ
    is_due: bool  # position at or below the reorder point: order today


def plan(*, available: int, on_order: int, d: float, sigma_d: float, lead_days: float,
         lead_std_days: float, service_level: float, review_days: float) -> Replenishment:
    """Every replenishment figure of a SKU × warehouse at once.

    The reorder point and safety stock are rounded up to whole units and the due test and the
    order quantity use the rounded reorder point, so what the list shows is what it compares.
    Available units below zero (oversold) count as they are in the position.
    """
    safety = safety_stock(service_level, d=d, sigma_d=sigma_d, lead_days=lead_days,
                          lead_std_days=lead_std_days)
    point = whole_units(max(float(d), 0.0) * max(float(lead_days), 0.0) + safety)
    position = int(available) + max(int(on_order), 0)
    raw = order_quantity(position=position, reorder_point_units=point, d=d,
                         review_days=review_days)
    # With no demand at all nothing is due, whatever the position: an item that does not
    # sell is not reordered because its stock is zero.
    due = position <= point and float(d) > 0
    return Replenishment(
        safety_stock=whole_units(safety), reorder_point=point, position=position,
        days_of_supply=days_of_supply(available, d),
        stockout_risk=stockout_risk(position=position, d=d, sigma_d=sigma_d,
                                    lead_days=lead_days, lead_std_days=lead_std_days),
        order_quantity=whole_units(raw) if due else 0, is_due=due)
