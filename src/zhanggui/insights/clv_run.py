"""Customer value of the shop: BG/NBD and Gamma-Gamma fitted on the warehouse's paid orders,
stored per customer (``customers.actions_value``) after each warehouse refresh.

- Transactions: the paid, not cancelled orders of non-guest customers paid before ``now``
  (as ``analytics.customer_features`` counts them); one purchase per customer and
  shop-local DAY; its amount the day's paid goods amount (``goods_amount``: what the goods
  cost the customer before shipping). Time unit: days; ages measured to today.
- Expected spend per order: Gamma-Gamma's E[M | x, m̄] (the population mean for a
  customer without a repeat purchase). With fewer than ``clv.MIN_REPEATERS`` repeat
  customers, or a spend fit without a finite mean, each customer's own average order value.
- CLV over ``settings.ZHANGGUI_CLV_HORIZON_DAYS`` (default 365) = expected purchases in the
  horizon × expected spend, discounted by ``settings.ZHANGGUI_CLV_MONTHLY_DISCOUNT`` per
  30-day month at each month's end (default 0: not discounted).
- Churn risk = 1 − P(alive).

Fewer than ``clv.MIN_CUSTOMERS`` buyers, or a failed fit: the stored values stay and a
warning is logged. After storing, the segments that test churn risk or CLV are evaluated
again with the new values (``analytics.segment_refresh.refresh_segments_using``).
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone

from zhanggui.analytics import segment_refresh, storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.customers.actions_value import ValueRow, replace_customer_values
from zhanggui.insights import clv
from zhanggui.insights.clv_data import summarise
from zhanggui.insights.contract import ModelInputError

logger = logging.getLogger(__name__)
VALUE_FIELDS = {"churn_risk", "clv"}
MONTH_DAYS = 30

PAID_DAYS_SQL = """
SELECT customer_id, CAST(paid_at AS DATE) AS day, sum(goods_amount) AS amount, count(*) AS orders
FROM orders
WHERE paid_at IS NOT NULL AND paid_at < $now AND status <> 'cancelled' AND NOT customer_is_guest
GROUP BY customer_id, CAST(paid_at AS DATE)
"""


@dataclass
class ClvRun:
    customers: int
    bgnbd: clv.BgNbdParams
    gamma_gamma: clv.GammaGammaParams | None
    segments: dict[str, int]


def horizon_days() -> int:
    return int(getattr(settings, "ZHANGGUI_CLV_HORIZON_DAYS", 365))


def paid_days(now: datetime) -> pd.DataFrame:
    """One row per customer and paid day (``customer_id``, ``day``, ``amount``, ``orders``).

    Raises:
        WarehouseEmpty: no warehouse yet.
    """
    root = storage.root()
    manifest = storage.read_manifest(root)
    files = manifest.tables.get("orders") if manifest else None
    if not files:
        raise WarehouseEmpty()
    db = duckdb.connect()
    try:
        scan = ", ".join(f"'{root / f}'" for f in files)
        db.execute(f"CREATE VIEW orders AS SELECT * FROM read_parquet([{scan}])")
        local = timezone.localtime(now).replace(tzinfo=None)
        return db.execute(PAID_DAYS_SQL, {"now": local}).df()
    finally:
        db.close()


def run_customer_values(*, now: datetime | None = None) -> ClvRun | None:
    """Fit, score every customer with a paid order and store; ``None`` when skipped (too
    few customers, a failed fit: the stored values stay, a warning says why).

    Raises:
        WarehouseEmpty: no warehouse yet.
    """
    now = now or timezone.now()
    days = paid_days(now)
    today = timezone.localtime(now).date()
    if days.empty or days["customer_id"].nunique() < clv.MIN_CUSTOMERS:
        logger.warning("customer value not fitted: %d customers with a paid order (at least %d needed)",
                       days["customer_id"].nunique(), clv.MIN_CUSTOMERS)
        return None
    summary = summarise(days, calibration_end=today, time_unit="days", customer="customer_id",
                        day="day", amount="amount", orders="orders")
    try:
        bgnbd = clv.BgNbd().fit(summary)
        scores = bgnbd.predict(clv.BgNbdQuery(summary=summary, horizon=float(horizon_days())))
    except (clv.FitFailed, ModelInputError) as error:
        logger.warning("customer value not fitted: BG/NBD failed (%s); the stored values stay", error)
        return None
    spend, spend_params = expected_spend(summary)
    value = clv.clv(bgnbd.params, spend, summary["frequency"], summary["recency"], summary["T"],
                    horizon=horizon_days(), period=MONTH_DAYS,
                    discount_rate=float(getattr(settings, "ZHANGGUI_CLV_MONTHLY_DISCOUNT", 0)))
    rows = value_rows(summary, scores, spend, value)
    replace_customer_values(rows, computed_at=now, horizon_days=horizon_days(),
                            model=_record(bgnbd.params, spend_params))
    segments = segment_refresh.refresh_segments_using(VALUE_FIELDS, ("customer_values",), now=now)
    return ClvRun(customers=len(summary), bgnbd=bgnbd.params, gamma_gamma=spend_params,
                  segments=segments.segments)


def expected_spend(summary: pd.DataFrame) -> tuple[np.ndarray, clv.GammaGammaParams | None]:
    """Gamma-Gamma's expected spend per order, or each customer's average order value when
    there are too few repeat customers or the fit has no finite mean."""
    own = summary["average_order_value"].to_numpy(dtype=float)
    if (summary["frequency"] > 0).sum() < clv.MIN_REPEATERS:
        return own, None
    try:
        model = clv.GammaGamma().fit(summary)
    except (clv.FitFailed, ModelInputError) as error:
        logger.warning("Gamma-Gamma not fitted (%s): expected spend = own average order value", error)
        return own, None
    return model.predict(summary).to_numpy(dtype=float), model.params


def _decimal(value: float, places: str) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(places), ROUND_HALF_UP)


def value_rows(summary: pd.DataFrame, scores: pd.DataFrame, spend: np.ndarray, value: np.ndarray):
    """The ``ValueRow`` of each customer of ``summary`` (indexed by customer id)."""
    columns = zip(summary.index, summary["frequency"], summary["recency"], summary["T"],
                  summary["average_order_value"], scores["expected_purchases"],
                  scores["probability_alive"], spend, value, strict=True)
    for customer_id, x, t_x, age, aov, expected, alive, per_order, worth in columns:
        probability = _decimal(alive, "0.000001")
        yield ValueRow(
            customer_id=int(customer_id), frequency=int(x), recency_days=_decimal(t_x, "0.01"),
            age_days=_decimal(age, "0.01"), average_order_value=_decimal(aov, "0.01"),
            expected_purchases=_decimal(expected, "0.0001"), probability_alive=probability,
            churn_risk=Decimal(1) - probability,
            expected_spend=_decimal(per_order, "0.01"),
            clv=_decimal(worth, "0.01"))


def _record(bgnbd: clv.BgNbdParams, spend: clv.GammaGammaParams | None) -> dict:
    out = {"bg_nbd": {k: round(v, 6) for k, v in bgnbd.__dict__.items()}}
    out["gamma_gamma"] = {k: round(v, 6) for k, v in spend.__dict__.items()} if spend else None
    return out
