"""One demand series through the forecasting engine: weekday profile, censored days imputed,
statsforecast candidates on the weekday-adjusted series, rolling-origin cross-validation,
the chosen forecast with its interval. Pure numpy + statsforecast; runs in worker processes.

The steps (docs/supply.md "Demand forecasts"):

1. Weekday profile: the mean demand of each weekday over the last ``PROFILE_WEEKS`` weeks
   (observed days only) over the mean of the seven, shrunk toward the profile pooled over
   every series of the run (``PROFILE_PRIOR_WEEKS``). A weekday whose profile is below
   ``CLOSED_BELOW`` is a closed day (the shop does not sell then): forecast 0.
2. The adjusted series: demand / profile on the open days. Stock-out (censored) days are
   missing and imputed by the mean of the previous ``IMPUTE_DAYS`` observed adjusted values;
   values above the ``CAP_QUANTILE`` quantile of the series' positive adjusted values are
   capped there (one-off bulk orders are not a level to forecast).
3. Candidates (statsforecast) forecast the adjusted series; the forecast is put back on the
   weekdays by the profile. ``SeasonalNaive`` (season 7) forecasts the raw series, as the
   reference (never combined).
4. Rolling-origin cross-validation: ``CV_WINDOWS`` origins, ``horizon`` days each, same
   folds for every candidate; each candidate's CV error is its mean absolute error over the
   observed days of the folds. The forecast is the mean of the ``COMBINE`` candidates with
   the lowest CV error (the CV error of that combination is measured on the same folds and
   gives the error std, the interval and the MASE).
"""

from dataclasses import dataclass
from math import isfinite

import numpy as np

from zhanggui.insights import rules

PROFILE_WEEKS = 26
PROFILE_PRIOR_WEEKS = 52.0
CLOSED_BELOW = 0.15
IMPUTE_DAYS = 28
FIT_DAYS = 182  # candidates see at most this many adjusted days (half a year of open days)
CV_WINDOWS = 2
COMBINE = 3
MIN_CV_DAYS = 56  # history needed before the first CV origin
CAP_QUANTILE: float | None = 0.95


@dataclass
class SeriesInput:
    key: object
    y: np.ndarray  # daily demand, oldest first; NaN = censored (stock-out) day
    weekdays: np.ndarray  # weekday (0 = Monday) of each day of y, then of the horizon
    history_factor: np.ndarray  # event uplift on each history day (1 = none)
    future_factor: np.ndarray  # event uplift on each horizon day


@dataclass
class SeriesResult:
    key: object
    model: str
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    history_days: int
    censored_days: int
    error_std: float
    mase: float | None
    cv_mae: dict[str, float]
    variability: float | None


def own_profile(y: np.ndarray, weekdays: np.ndarray) -> np.ndarray | None:
    """The series' own weekday profile (mean 1) over its last ``PROFILE_WEEKS`` weeks of
    observed days; None when a weekday was never observed or nothing sold."""
    recent, days = y[-PROFILE_WEEKS * 7:], weekdays[:len(y)][-PROFILE_WEEKS * 7:]
    observed = ~np.isnan(recent)
    counts = np.bincount(days[observed], minlength=7)
    sums = np.bincount(days[observed], weights=recent[observed], minlength=7)
    if counts.min() == 0 or sums.sum() <= 0:
        return None
    own = sums / counts
    return own / own.mean()


def weekday_profile(y: np.ndarray, weekdays: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Multiplicative weekday profile (mean 1) of ``y`` over its last ``PROFILE_WEEKS`` weeks,
    shrunk toward ``prior`` (the prior alone when the series has none of its own)."""
    own = own_profile(y, weekdays)
    if own is None:
        return prior.copy()
    weeks = (~np.isnan(y[-PROFILE_WEEKS * 7:])).sum() / 7
    weight = weeks / (weeks + PROFILE_PRIOR_WEEKS)
    profile = weight * own + (1 - weight) * prior
    return profile / profile.mean()


def _adjusted(y: np.ndarray, open_days: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Demand over the profile on open days, censored days imputed (trailing mean)."""
    z = y[open_days] / factors[open_days]
    missing = np.isnan(z)
    if missing.all():
        return np.zeros(len(z))
    if missing.any():
        filled = np.where(missing, 0.0, z)
        sums = np.concatenate(([0.0], np.cumsum(filled)))
        counts = np.concatenate(([0], np.cumsum(~missing)))
        index = np.arange(len(z))
        start = np.maximum(index - IMPUTE_DAYS, 0)
        n = counts[index] - counts[start]
        trailing = np.where(n > 0, (sums[index] - sums[start]) / np.maximum(n, 1), np.nan)
        fallback = float(np.nanmean(z))
        z = np.where(missing, np.where(np.isnan(trailing), fallback, trailing), z)
    if CAP_QUANTILE is not None:
        positive = z[z > 0]
        if len(positive) >= 10:
            z = np.minimum(z, np.quantile(positive, CAP_QUANTILE))
    return z


def _candidates():
    from statsforecast.models import (
        ADIDA,
        TSB,
        AutoETS,
        CrostonOptimized,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
    )
    return {
        "AutoETS": AutoETS(model="ANN"),
        "CrostonOptimized": CrostonOptimized(),
        "TSB": TSB(alpha_d=0.1, alpha_p=0.1),
        "ADIDA": ADIDA(),
        "SES": SimpleExponentialSmoothingOptimized(),
        "WindowAverage": WindowAverage(window_size=28),
    }


_MODELS: dict = {}


def _seasonal_naive():
    if "_naive" not in _MODELS:
        from statsforecast.models import SeasonalNaive
        _MODELS["_naive"] = SeasonalNaive(season_length=7)
    return _MODELS["_naive"]


def _models() -> dict:
    if "_candidates" not in _MODELS:
        _MODELS["_candidates"] = _candidates()
    return _MODELS["_candidates"]


def _forecast_adjusted(name: str, z: np.ndarray, steps: int) -> np.ndarray:
    z = z[-FIT_DAYS:]
    if steps <= 0:
        return np.zeros(0)
    if len(z) < 2 or not np.any(z > 0):
        return np.full(steps, float(z.mean()) if len(z) else 0.0)
    try:
        values = _models()[name].forecast(y=z, h=steps)["mean"]
    except Exception:  # a model that cannot fit this series falls back to the mean level
        return np.full(steps, float(z[-IMPUTE_DAYS:].mean()))
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), np.maximum(values, 0.0), 0.0)


def forecast_from(y: np.ndarray, weekdays: np.ndarray, factors: np.ndarray, horizon: int,
                  prior: np.ndarray) -> dict[str, np.ndarray]:
    """Every candidate's forecast of the ``horizon`` days after ``y`` (uplift included)."""
    n = len(y)
    profile = weekday_profile(y, weekdays[:n], prior)
    daily = profile[weekdays]
    is_open = daily >= CLOSED_BELOW
    open_history = is_open[:n]
    z = _adjusted(y, open_history, daily[:n] * factors[:n])
    future_open = is_open[n:n + horizon]
    steps = int(future_open.sum())
    out: dict[str, np.ndarray] = {}
    for name in _models():
        values = np.zeros(horizon)
        values[future_open] = _forecast_adjusted(name, z, steps)
        out[name] = values * daily[n:n + horizon] * factors[n:n + horizon]
    # The seasonal naive forecast: the last week again (event uplift taken out, then put on
    # the horizon's event days).
    raw = (y / factors[:n])[-FIT_DAYS:]
    if len(raw) >= 7:
        raw = np.where(np.isnan(raw), np.nanmean(raw) if (~np.isnan(raw)).any() else 0.0, raw)
        repeated = np.asarray(_seasonal_naive().forecast(y=raw, h=horizon)["mean"], dtype=float)
    else:
        repeated = np.zeros(horizon)
    out["SeasonalNaive"] = repeated * factors[n:n + horizon]
    return out


REFERENCE = frozenset({"SeasonalNaive"})


def _weights(ranked: list[str]) -> dict[str, float]:
    """Equal weights on the ``COMBINE`` candidates with the lowest CV error."""
    chosen = [k for k in ranked if k not in REFERENCE][:COMBINE] or ranked[:COMBINE]
    return {k: 1 / len(chosen) for k in chosen}


def _combine(forecasts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return np.sum([forecasts[name] * w for name, w in weights.items()], axis=0)


def candidate_names() -> list[str]:
    """The candidates' names (``SeasonalNaive`` besides)."""
    return list(_models())


def run_series(item: SeriesInput, horizon: int, prior: np.ndarray, level: int,
               only: tuple[str, ...] | None = None) -> SeriesResult:
    """Cross-validate the candidates on ``item`` and forecast ``horizon`` days (``only``:
    a subset of the candidates, for the benchmark's single-model figures)."""
    y, n = item.y, len(item.y)
    factors = np.concatenate([item.history_factor, item.future_factor])
    weekdays = item.weekdays
    windows = max(0, min(CV_WINDOWS, (n - MIN_CV_DAYS) // horizon))
    folds = []
    for w in range(windows, 0, -1):
        origin = n - w * horizon
        folds.append((origin, forecast_from(y[:origin], weekdays[:origin + horizon],
                                            factors[:origin + horizon], horizon, prior)))
    final = forecast_from(y, weekdays, factors, horizon, prior)
    if only:
        final = {k: final[k] for k in only}
        folds = [(o, {k: f[k] for k in only}) for o, f in folds]
    names = list(final)
    cv_mae: dict[str, float] = {}
    ranked = [k for k in ("AutoETS", "WindowAverage") if k in names] or names
    combined_name = "Combination"
    if folds:
        actual = np.concatenate([y[o:o + horizon] for o, _f in folds])
        observed = ~np.isnan(actual)
        for name in names:
            predicted = np.concatenate([f[name] for _o, f in folds])
            cv_mae[name] = float(np.mean(np.abs(actual[observed] - predicted[observed]))) \
                if observed.any() else float("inf")
        ranked = sorted(names, key=lambda k: cv_mae[k])
        weights = _weights(ranked)
        combined = np.concatenate([_combine(f, weights) for _o, f in folds])
        cv_mae[combined_name] = float(np.mean(np.abs(actual[observed] - combined[observed]))) \
            if observed.any() else float("inf")
        errors = (actual - combined)[observed]
    else:
        errors = np.zeros(0)
        weights = _weights(ranked)
    mean = _combine(final, weights)
    model = "+".join(weights)
    return _result(item, model, mean, errors, folds, ranked, cv_mae, horizon, level)


def _result(item, model, mean, errors, folds, ranked, cv_mae, horizon, level) -> SeriesResult:
    y = item.y
    observed = y[~np.isnan(y)]
    if len(errors) >= 2:
        error_std = float(np.std(errors, ddof=1))
    else:
        error_std = float(np.std(observed, ddof=1)) if len(observed) >= 2 else 0.0
    tail = (100 - level) / 200
    if len(errors) >= 10:
        low_q, high_q = np.quantile(errors, [tail, 1 - tail])
    else:
        spread = _normal_quantile(1 - tail) * error_std
        low_q, high_q = -spread, spread
    shape = mean / mean.mean() if mean.mean() > 0 else np.zeros_like(mean)
    # Never narrower than the Poisson band of the forecast (CV folds without a sale would
    # otherwise give a series with rare spikes an interval of zero width).
    z = _normal_quantile(1 - tail)
    lower = np.minimum(mean - z * np.sqrt(mean), mean + low_q * shape)
    lower = np.minimum(mean, np.maximum(0.0, lower))
    upper = np.maximum(mean + z * np.sqrt(mean), mean + high_q * shape)
    scale = _naive_scale(y)
    mase = None
    if "Combination" in cv_mae and scale and isfinite(cv_mae["Combination"]):
        mase = cv_mae["Combination"] / scale
    filled = np.where(np.isnan(y), np.nanmean(y) if len(observed) else 0.0, y)
    variability = rules.weekly_variability(filled.tolist())
    return SeriesResult(key=item.key, model=model[:40], mean=mean, lower=lower, upper=upper,
                        history_days=len(y), censored_days=int(np.isnan(y).sum()),
                        error_std=error_std, mase=mase, cv_mae=cv_mae, variability=variability)


def _normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def _naive_scale(y: np.ndarray) -> float | None:
    """In-sample mean |y_t − y_{t−7}| over the pairs of observed days (MASE's scale)."""
    if len(y) <= 7:
        return None
    diffs = np.abs(y[7:] - y[:-7])
    diffs = diffs[~np.isnan(diffs)]
    if not len(diffs):
        return None
    value = float(diffs.mean())
    return value if value > 0 else None
