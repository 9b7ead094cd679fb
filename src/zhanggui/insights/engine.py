"""The demand forecasting engine: a pure function from a long DataFrame of daily demand to
forecasts with prediction intervals and per-series fit figures. No database: the task
(``insights.forecasting``) and ``benchmarks/forecast.py`` both call ``forecast_demand``.

Input ``history``: columns ``unique_id`` (any key: a SKU, a SKU × warehouse pair), ``ds``
(day) and ``y`` (units sold that day; NaN on a censored day — out of stock, demand unknown).
Days missing between a series' first row and ``end`` are days without sales (0).

Optional ``events``: columns ``unique_id`` (None/NaN = every series), ``ds`` and ``kind``
(one of ``rules.EVENT_KINDS``), on history and horizon days. Each kind's uplift is estimated
from history pooled over all series (actual over baseline demand on its past days, shrunk
toward 1, ``rules.shrunk_uplift``); past event days are divided by it before fitting and the
forecast of future event days is multiplied by it.

The per-series work (``series.run_series``) runs in a process pool of ``n_jobs`` workers.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zhanggui.insights import rules, series

SEASON_LENGTH = 7
TRAILING_DAYS = 28  # the baseline of an event day: mean adjusted demand of the days before
CHUNK = 200


@dataclass
class ForecastOutput:
    """``forecasts``: unique_id, ds, mean, lower, upper (one row per series and horizon day);
    ``fits``: unique_id, model, history_days, censored_days, mean_daily_demand, error_std,
    mase, variability, xyz_class; ``uplifts``: the multiplier of each event kind."""

    forecasts: pd.DataFrame
    fits: pd.DataFrame
    uplifts: dict[str, float] = field(default_factory=dict)


def _weekday(days: np.ndarray) -> np.ndarray:
    # 1970-01-01 (day 0) was a Thursday (weekday 3, Monday = 0).
    return ((days.astype("int64") + 3) % 7).astype("int64")


@dataclass
class _Panel:
    keys: pd.Index
    start: np.ndarray  # first day index of each series
    values: np.ndarray  # (series, days) demand; NaN = censored
    origin: np.datetime64
    weekdays: np.ndarray  # weekday of each day index, history then horizon


def _panel(history: pd.DataFrame, end, horizon: int) -> _Panel:
    days = pd.to_datetime(history["ds"]).to_numpy().astype("datetime64[D]")
    end = np.datetime64(pd.Timestamp(end).date(), "D") if end is not None else days.max()
    keep = days <= end
    days, frame = days[keep], history.loc[keep]
    codes, keys = pd.factorize(frame["unique_id"])
    origin = days.min()
    index = (days - origin).astype("int64")
    length = int((end - origin).astype("int64")) + 1
    values = np.zeros((len(keys), length))
    np.add.at(values, (codes, index), frame["y"].to_numpy(dtype=float))
    start = np.full(len(keys), length, dtype="int64")
    np.minimum.at(start, codes, index)
    all_days = origin + np.arange(length + horizon)
    return _Panel(keys=keys, start=start, values=values, origin=origin,
                  weekdays=_weekday(all_days))


def _profiles(panel: _Panel) -> tuple[np.ndarray, np.ndarray]:
    """Each series' weekday profile and the pooled prior (mean of the series' own)."""
    length = panel.values.shape[1]
    own = []
    for row, first in zip(panel.values, panel.start, strict=True):
        own.append(series.own_profile(row[first:], panel.weekdays[first:length]))
    known = [p for p in own if p is not None]
    prior = np.mean(known, axis=0) if known else np.ones(SEASON_LENGTH)
    prior = prior / prior.mean() if prior.mean() > 0 else np.ones(SEASON_LENGTH)
    profiles = np.array([series.weekday_profile(row[first:], panel.weekdays[first:length], prior)
                         for row, first in zip(panel.values, panel.start, strict=True)])
    return profiles.reshape(-1, SEASON_LENGTH), prior


def _event_kinds(events: pd.DataFrame | None, panel: _Panel, horizon: int) -> np.ndarray:
    """(series, days + horizon) matrix of event kind codes: 0 none, else 1 + index in
    ``rules.EVENT_KINDS`` (the stronger kind where two fall on one cell)."""
    kinds = np.zeros((len(panel.keys), panel.values.shape[1] + horizon), dtype="int8")
    if events is None or events.empty:
        return kinds
    days = pd.to_datetime(events["ds"]).to_numpy().astype("datetime64[D]")
    column = (days - panel.origin).astype("int64")
    code = events["kind"].map({k: i + 1 for i, k in enumerate(rules.EVENT_KINDS)}).fillna(0)
    code = code.to_numpy(dtype="int8")
    inside = (column >= 0) & (column < kinds.shape[1]) & (code > 0)
    uid = events["unique_id"].to_numpy(dtype=object)
    shop_wide = inside & pd.isna(uid)
    for c, k in zip(column[shop_wide], code[shop_wide], strict=True):
        current = kinds[:, c]
        kinds[:, c] = np.where((current == 0) | (current > k), k, current)
    row = panel.keys.get_indexer(pd.Index(uid))
    own = inside & ~pd.isna(uid) & (row >= 0)
    for r, c, k in zip(row[own], column[own], code[own], strict=True):
        if kinds[r, c] == 0 or kinds[r, c] > k:
            kinds[r, c] = k
    return kinds


def _uplifts(panel: _Panel, kinds: np.ndarray, profiles: np.ndarray) -> dict[str, float]:
    """Each event kind's multiplier, estimated from the history of every series."""
    values, length = panel.values, panel.values.shape[1]
    history_kinds = kinds[:, :length]
    if not history_kinds.any():
        return {}
    exists = np.arange(length)[None, :] >= panel.start[:, None]
    daily = profiles[:, panel.weekdays[:length]]
    observed = exists & ~np.isnan(values) & (daily >= series.CLOSED_BELOW)
    usable = observed & (history_kinds == 0)
    adjusted = np.where(usable, np.nan_to_num(values) / np.maximum(daily, 1e-9), 0.0)
    sums = np.cumsum(np.pad(adjusted, ((0, 0), (1, 0))), axis=1)
    counts = np.cumsum(np.pad(usable.astype(float), ((0, 0), (1, 0))), axis=1)
    index = np.arange(length)
    first = np.maximum(index - TRAILING_DAYS, 0)
    n = counts[:, index] - counts[:, first]
    trailing = (sums[:, index] - sums[:, first]) / np.maximum(n, 1)
    baseline = trailing * daily
    out: dict[str, float] = {}
    for code, kind in enumerate(rules.EVENT_KINDS, start=1):
        cells = (history_kinds == code) & observed & (n >= 7) & (baseline > 0)
        if cells.any():
            event_days = int(cells.any(axis=0).sum())
            out[kind] = rules.shrunk_uplift(float(np.nansum(values[cells])),
                                            float(baseline[cells].sum()), event_days)
    return out


def _work(chunk: list[series.SeriesInput], horizon: int, prior: np.ndarray,
          level: int, only: tuple[str, ...] | None) -> list[series.SeriesResult]:
    return [series.run_series(item, horizon, prior, level, only) for item in chunk]


def _run(items: list[series.SeriesInput], horizon: int, prior: np.ndarray, level: int,
         n_jobs: int, only: tuple[str, ...] | None) -> list[series.SeriesResult]:
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    # A daemonic process (a Celery prefork worker) may not start children: work in-process.
    if n_jobs <= 1 or len(chunks) <= 1 or multiprocessing.current_process().daemon:
        return [r for chunk in chunks for r in _work(chunk, horizon, prior, level, only)]
    series.candidate_names()  # import statsforecast once, before the workers fork
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
        parts = pool.map(_work, chunks, [horizon] * len(chunks), [prior] * len(chunks),
                         [level] * len(chunks), [only] * len(chunks))
        return [r for part in parts for r in part]


def forecast_demand(history: pd.DataFrame, *, horizon: int = 28, level: int = 80,
                    end=None, events: pd.DataFrame | None = None,
                    n_jobs: int = 1, only: tuple[str, ...] | None = None) -> ForecastOutput:
    """Forecast the ``horizon`` days after ``end`` (default: the last day in ``history``) for
    every series, with the ``level`` % prediction interval. See the module docstring.

    ``only`` limits the candidates (the benchmark's figures of each alone)."""
    if history.empty:
        return ForecastOutput(forecasts=pd.DataFrame(columns=["unique_id", "ds", "mean",
                                                              "lower", "upper"]),
                              fits=pd.DataFrame(columns=list(_FIT_COLUMNS)))
    panel = _panel(history, end, horizon)
    profiles, prior = _profiles(panel)
    kinds = _event_kinds(events, panel, horizon)
    uplifts = _uplifts(panel, kinds, profiles)
    factors = np.ones(kinds.shape)
    for code, kind in enumerate(rules.EVENT_KINDS, start=1):
        if kind in uplifts:
            factors[kinds == code] = uplifts[kind]
    length = panel.values.shape[1]
    items = [series.SeriesInput(key=key, y=panel.values[s, first:],
                                weekdays=panel.weekdays[first:length + horizon],
                                history_factor=factors[s, first:length],
                                future_factor=factors[s, length:length + horizon])
             for s, (key, first) in enumerate(zip(panel.keys, panel.start, strict=True))]
    results = _run(items, horizon, prior, level, n_jobs, only)
    future = pd.to_datetime(panel.origin + np.arange(length, length + horizon))
    return ForecastOutput(forecasts=_forecast_frame(results, future), fits=_fit_frame(results),
                          uplifts=uplifts)


_FIT_COLUMNS = ("unique_id", "model", "history_days", "censored_days", "mean_daily_demand",
                "error_std", "mase", "variability", "xyz_class")


def _forecast_frame(results: list[series.SeriesResult], future: pd.DatetimeIndex) -> pd.DataFrame:
    count = len(results)
    return pd.DataFrame({
        "unique_id": np.repeat(np.array([r.key for r in results], dtype=object), len(future)),
        "ds": np.tile(future.to_numpy(), count),
        "mean": np.concatenate([r.mean for r in results]) if count else [],
        "lower": np.concatenate([r.lower for r in results]) if count else [],
        "upper": np.concatenate([r.upper for r in results]) if count else [],
    })


def _fit_frame(results: list[series.SeriesResult]) -> pd.DataFrame:
    return pd.DataFrame([{
        "unique_id": r.key, "model": r.model, "history_days": r.history_days,
        "censored_days": r.censored_days, "mean_daily_demand": float(r.mean.mean()),
        "error_std": r.error_std, "mase": r.mase, "variability": r.variability,
        "xyz_class": rules.xyz_class(r.variability),
    } for r in results], columns=list(_FIT_COLUMNS))
