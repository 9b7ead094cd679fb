"""The product's demand forecasts: read the warehouse, run the engine, write the results down
through ``inventory.actions.record_forecasts``. What the Celery task and ``zhanggui forecast``
run.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from time import perf_counter

import pandas as pd
from django.conf import settings
from django.utils import timezone

from zhanggui.accounts.models import Staff
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.core.timeutil import day_range, shop_today
from zhanggui.insights import demand, engine, rules
from zhanggui.inventory import actions as inventory_actions
from zhanggui.pricing import queries as pricing_queries

HORIZON = 28
LEVEL = 80
HISTORY_DAYS = 730


@dataclass(frozen=True)
class ForecastSummary:
    skus: int
    fits: int
    seconds: float
    uplifts: dict


def known_events(keys: list[str], first: date, last: date) -> pd.DataFrame:
    """The events known in advance on [first, last]: 双11 and 618 for the whole shop, and the
    shop's bounded promotions (``pricing.queries.list_promotion_windows``,
    ``rules.is_event_promotion``) for the series of the SKUs they cover (unique_id None =
    every series)."""
    rows = [(None, day, kind) for day, kind in rules.calendar_events(first, last).items()]
    start, end = day_range(first, last + timedelta(days=1))
    skus: dict[int, list[str]] = {}
    for key in keys:
        skus.setdefault(demand.parse_key(key)[0], []).append(key)
    for window in pricing_queries.list_promotion_windows(start=start, end=end):
        if not rules.is_event_promotion(window.starts_at, window.ends_at):
            continue
        since = max(first, timezone.localtime(window.starts_at).date())
        # A promotion ending at midnight does not cover the day that starts then.
        until = min(last, timezone.localtime(window.ends_at - timedelta(microseconds=1)).date())
        days = pd.date_range(since, until, freq="D")
        targets = [None] if window.sku_ids is None else [
            k for sku in window.sku_ids for k in skus.get(sku, ())]
        rows += [(target, day.date(), rules.PROMOTION) for target in targets for day in days]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "kind"])


def _records(output: engine.ForecastOutput) -> list[inventory_actions.ForecastRecord]:
    days: dict[str, list] = {}
    for key, day, mean, lower, upper in output.forecasts.itertuples(index=False):
        days.setdefault(key, []).append(inventory_actions.ForecastDay(
            day=pd.Timestamp(day).date(), quantity=mean, lower=lower, upper=upper))
    records = []
    for fit in output.fits.itertuples(index=False):
        sku_id, warehouse_id = demand.parse_key(fit.unique_id)
        records.append(inventory_actions.ForecastRecord(
            sku_id=sku_id, warehouse_id=warehouse_id, model=fit.model,
            history_days=fit.history_days, censored_days=fit.censored_days,
            mean_daily_demand=fit.mean_daily_demand, error_std=fit.error_std,
            mase=None if pd.isna(fit.mase) else fit.mase,
            variability=None if pd.isna(fit.variability) else fit.variability,
            xyz_class=fit.xyz_class, interval_level=LEVEL, days=tuple(days.get(fit.unique_id, ()))))
    return records


def run_forecasts(*, actor: Staff | None, today: date | None = None,
                  n_jobs: int | None = None) -> ForecastSummary:
    """Forecast the next ``HORIZON`` days of every SKU with sales in the last ``HISTORY_DAYS``
    days up to yesterday (and of each SKU × warehouse), and store them in place of every
    earlier forecast. Nothing happens while the warehouse is empty or nothing sold."""
    started = perf_counter()
    last = (today or shop_today()) - timedelta(days=1)
    first = last - timedelta(days=HISTORY_DAYS - 1)
    try:
        history, sku_count = demand.load_history(first, last)
    except WarehouseEmpty:
        return ForecastSummary(skus=0, fits=0, seconds=perf_counter() - started, uplifts={})
    if history.empty:
        return ForecastSummary(skus=0, fits=0, seconds=perf_counter() - started, uplifts={})
    keys = sorted(set(history["unique_id"]))
    events = known_events(keys, first, last + timedelta(days=HORIZON))
    jobs = settings.ZHANGGUI_FORECAST_JOBS if n_jobs is None else n_jobs
    output = engine.forecast_demand(history, horizon=HORIZON, level=LEVEL, end=last,
                                    events=events, n_jobs=jobs)
    uplifts = {k: round(v, 3) for k, v in output.uplifts.items()}
    fits = inventory_actions.record_forecasts(
        _records(output), actor=actor, note=f"uplifts {uplifts}" if uplifts else "",
        drop_others=True)
    return ForecastSummary(skus=sku_count, fits=len(fits), seconds=perf_counter() - started,
                           uplifts=uplifts)
