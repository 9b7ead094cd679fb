"""Demand forecasts: the product's engine against single statsforecast models.

    .venv/bin/python benchmarks/forecast.py                 # the benchmark (one JSON line)
    .venv/bin/python benchmarks/forecast.py --validate      # design check inside training

Data: the UCI Online Retail set in ``../shared/datasets/online_retail/`` (skipped with a
message when absent). Cancellations (invoices starting with C) and lines with a negative
quantity are dropped; the SKU is the product code (StockCode). The 500 SKUs "with the most
sales" are the 500 with the most order lines (invoice lines), ties by code. Each SKU's
daily demand runs from its first sale to the data's last day (2011-12-09), days without
sales are 0 (the shop is closed on Saturdays: those zeros are real).

Split: the last 28 days are held out; every model forecasts them from the days before
(horizon 28, seasonality 7). ``--validate`` moves the split 28 days earlier (the held-out
days are then never seen): the engine's design was chosen on that split, not on the test.

MASE (GLOSSARY ``mase``): mean |actual − forecast| over the 28 days / mean |y_t − y_{t−7}|
over the training days, per SKU, averaged over the SKUs.

- ``mase``: the product's engine (``zhanggui.insights.engine.forecast_demand``, the very
  function the Celery task calls), which picks per SKU by rolling-origin cross-validation
  inside the training days.
- ``mase_seasonal_naive``, ``mase_autoets``, ``mase_croston``: statsforecast's
  SeasonalNaive(7), AutoETS(season_length=7) and CrostonOptimized alone, same split.
- ``seconds``: wall time of the product's forecasts for the 500 (2 worker processes).
- ``seconds_10k_skus``: the engine on 10,000 synthetic SKUs with 2 years of daily history
  (seed 15: a third smooth, a third seasonal — weekly and yearly — and a third intermittent),
  2 worker processes.

Prints one JSON line on stdout; progress and each engine candidate's own MASE on stderr.
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from zhanggui.insights import engine, series  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "online_retail" / "online_retail.csv.gz"
HORIZON = 28
SKUS = 500
JOBS = 2


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def online_retail(top: int = SKUS) -> pd.DataFrame:
    """Daily demand of the ``top`` SKUs with the most order lines: unique_id, ds, y."""
    lines = pd.read_csv(DATA, parse_dates=["InvoiceDate"],
                        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "Int64"})
    lines = lines[~lines["InvoiceNo"].str.startswith("C") & (lines["Quantity"] > 0)]
    lines["ds"] = lines["InvoiceDate"].dt.normalize()
    counts = lines.groupby("StockCode").size().reset_index(name="lines")
    chosen = counts.sort_values(["lines", "StockCode"], ascending=[False, True])["StockCode"][:top]
    daily = (lines[lines["StockCode"].isin(chosen)]
             .groupby(["StockCode", "ds"])["Quantity"].sum().rename("y").reset_index())
    last = lines["ds"].max()
    frames = []
    for code, group in daily.groupby("StockCode"):
        days = pd.date_range(group["ds"].min(), last, freq="D")
        values = group.set_index("ds")["y"].reindex(days, fill_value=0).to_numpy(dtype=float)
        frames.append(pd.DataFrame({"unique_id": code, "ds": days, "y": values}))
    return pd.concat(frames, ignore_index=True)


def mase(train: pd.DataFrame, test: pd.DataFrame, forecast: pd.DataFrame, column: str) -> float:
    merged = test.merge(forecast[["unique_id", "ds", column]], on=["unique_id", "ds"])
    mae = (merged["y"] - merged[column]).abs().groupby(merged["unique_id"]).mean()
    scale = train.groupby("unique_id")["y"].apply(
        lambda y: np.mean(np.abs(y.to_numpy()[7:] - y.to_numpy()[:-7])))
    return float((mae / scale).mean())


def single_models(train: pd.DataFrame) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, CrostonOptimized, SeasonalNaive

    models = [SeasonalNaive(season_length=7), AutoETS(season_length=7), CrostonOptimized()]
    return StatsForecast(models=models, freq="D", n_jobs=JOBS).forecast(df=train, h=HORIZON)


def synthetic(count: int = 10_000, days: int = 730, seed: int = 15) -> pd.DataFrame:
    """Deterministic daily demand: smooth, seasonal (weekly and yearly) and intermittent."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    kind = np.arange(count) % 3
    level = rng.lognormal(1.5, 1.0, count)
    weekly = 1 + rng.uniform(0.1, 0.6, count)[:, None] * np.sin(
        2 * np.pi * (t[None, :] + rng.integers(0, 7, count)[:, None]) / 7)
    yearly = 1 + rng.uniform(0.2, 0.5, count)[:, None] * np.sin(
        2 * np.pi * (t[None, :] + rng.integers(0, 365, count)[:, None]) / 365.25)
    trend = 1 + rng.normal(0, 0.3, count)[:, None] * t[None, :] / days
    rate = level[:, None] * weekly * np.maximum(trend, 0.2)
    rate = np.where(kind[:, None] == 1, rate * yearly, rate)
    smooth = rng.poisson(rate).astype(float)
    occurs = rng.random((count, days)) < rng.uniform(0.03, 0.3, count)[:, None]
    sizes = rng.geometric(1 / (1 + rng.uniform(0.5, 4, count))[:, None], (count, days))
    intermittent = np.where(occurs, sizes, 0).astype(float)
    values = np.where(kind[:, None] == 2, intermittent, smooth)
    first = pd.Timestamp("2024-12-07")
    return pd.DataFrame({"unique_id": np.repeat(np.arange(count), days),
                         "ds": np.tile(pd.date_range(first, periods=days).to_numpy(), count),
                         "y": values.ravel()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true",
                        help="split 28 days earlier (the design check inside training)")
    parser.add_argument("--skip-10k", action="store_true")
    parser.add_argument("--candidates", action="store_true",
                        help="also each engine candidate alone (stderr)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is missing", file=sys.stderr)
        return
    warnings.filterwarnings("ignore")
    data = online_retail()
    last = data["ds"].max() - pd.Timedelta(days=HORIZON if args.validate else 0)
    data = data[data["ds"] <= last]
    cut = last - pd.Timedelta(days=HORIZON)
    train, test = data[data["ds"] <= cut], data[data["ds"] > cut]
    train = train[train.groupby("unique_id")["y"].transform("size") > 14]
    test = test[test["unique_id"].isin(train["unique_id"].unique())]
    log(f"{train['unique_id'].nunique()} SKUs, training days up to {cut.date()}")

    started = time.perf_counter()
    product = engine.forecast_demand(train, horizon=HORIZON, n_jobs=JOBS).forecasts
    seconds = time.perf_counter() - started
    log(f"product: {seconds:.1f} s")
    singles = single_models(train)
    log("single models done")
    if args.candidates:
        for name in [*series.candidate_names(), "SeasonalNaive"]:
            alone = engine.forecast_demand(train, horizon=HORIZON, n_jobs=JOBS, only=(name,))
            log(f"engine candidate {name} alone: MASE "
                f"{mase(train, test, alone.forecasts, 'mean'):.4f}")
    result = {
        "skus": int(train["unique_id"].nunique()),
        "mase": round(mase(train, test, product, "mean"), 4),
        "mase_seasonal_naive": round(mase(train, test, singles, "SeasonalNaive"), 4),
        "mase_autoets": round(mase(train, test, singles, "AutoETS"), 4),
        "mase_croston": round(mase(train, test, singles, "CrostonOptimized"), 4),
        "seconds": round(seconds, 2),
        "seconds_10k_skus": None,
    }
    if not args.skip_10k:
        frame = synthetic()
        log(f"synthetic: {frame['unique_id'].nunique()} SKUs × 730 days")
        started = time.perf_counter()
        out = engine.forecast_demand(frame, horizon=HORIZON, n_jobs=JOBS)
        result["seconds_10k_skus"] = round(time.perf_counter() - started, 2)
        log(f"10k: {len(out.fits)} fits")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
