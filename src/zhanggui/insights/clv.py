"""Customer value: the BG/NBD purchase model and the Gamma-Gamma spend model.

References:
- Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an alternative to the
  Pareto/NBD model", Marketing Science 24(2) — BG/NBD: likelihood (eq. 6), E[X(t)] (eq. 7),
  P(alive | x, t_x, T) (eq. 13 of the technical note), E[Y(t) | x, t_x, T] (eq. 10).
- Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
  analysis", JMR 42(4); Fader & Hardie (2013) "The Gamma-Gamma model of monetary value" —
  Gamma-Gamma: likelihood of a customer's mean repeat spend and E[M | x, m̄] (eq. 4).

Inputs are per-customer summaries (``insights.clv_data``): ``frequency`` x (repeat purchase
days), ``recency`` t_x (age at the last purchase) and ``T`` (age), all in one time unit;
``monetary_value`` m̄ is the mean of the repeat purchases' amounts. Fits maximise the
log-likelihood with ``scipy.optimize.minimize`` (L-BFGS-B) over the logarithms of the
parameters, from a fixed set of starting points (deterministic); the best finite optimum wins.
Identical summaries are fitted once with a weight (a shop in days has many).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from zhanggui.insights.contract import InsightModel, ModelInputError, register_model

LOG_BOUND = 12.0  # log-parameters live in [-12, 12]
# Fewer customers than this (or repeat customers, for Gamma-Gamma) are not worth a fit.
MIN_CUSTOMERS = 20
MIN_REPEATERS = 20


class FitFailed(RuntimeError):
    """No starting point led to a finite optimum (the data cannot identify the model)."""


# ---- BG/NBD --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")


def bgnbd_log_likelihood(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood (Fader, Hardie & Lee 2005, eq. 6, in logs)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    first = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)
    second = betaln(a + 1, b + safe_x - 1) - betaln(a, b) - (r + safe_x) * np.log(alpha + t_x)
    return common + np.where(repeat, np.logaddexp(first, second), first)


def _off_one(a: float) -> float:
    """``a`` moved off 1 by 1e-5: the expectations' (a − 1) divides a removable singularity
    (the bracket is 0 at a = 1), so the limit is continuous in ``a``; closer than 1e-5 the
    bracket's rounding error would dominate."""
    return a if abs(a - 1) > 1e-5 else 1 + np.copysign(1e-5, a - 1 or 1)


def bgnbd_expected_purchases(params: BgNbdParams, t) -> np.ndarray:
    """E[X(t)]: expected repeat purchases of a new customer in (0, t] (eq. 7)."""
    r, alpha, a, b = params.r, params.alpha, _off_one(params.a), params.b
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    bracket = 1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z)
    return np.maximum((a + b - 1) / (a - 1) * bracket, 0.0)


def _alive_odds(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), computed in logs."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)
    log_odds = (np.log(a) - np.log(b + safe_x - 1)
                + (r + safe_x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    return np.where(repeat, np.exp(np.minimum(log_odds, 700.0)), 0.0)


def bgnbd_probability_alive(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return 1.0 / (1.0 + _alive_odds(params, x, t_x, T))


def bgnbd_conditional_expected_purchases(params: BgNbdParams, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with this history
    (eq. 10)."""
    r, alpha, a, b = params.r, params.alpha, _off_one(params.a), params.b
    t, x, t_x, T = (np.asarray(v, dtype=float) for v in (t, x, t_x, T))
    z = t / (alpha + T + t)
    growth = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    expected = (a + b + x - 1) / (a - 1) * growth / (1.0 + _alive_odds(params, x, t_x, T))
    return np.maximum(expected, 0.0)  # rounding below 0 at a horizon near 0


BGNBD_COLUMNS = ("frequency", "recency", "T")


def _numbers(frame, columns: tuple[str, ...], what: str) -> dict[str, np.ndarray]:
    if not isinstance(frame, pd.DataFrame):
        raise ModelInputError(f"{what} must be a DataFrame with columns {', '.join(columns)}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ModelInputError(f"{what} lacks the columns {', '.join(missing)}")
    if frame.empty:
        raise ModelInputError(f"{what} has no rows")
    out = {}
    for column in columns:
        try:
            values = frame[column].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ModelInputError(f"{what}: {column} must be numbers") from None
        if not np.isfinite(values).all():
            raise ModelInputError(f"{what}: {column} has missing or infinite values")
        out[column] = values
    return out


def check_bgnbd_summary(frame, what: str = "the summary") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, t_x, T)`` of a summary, or ``ModelInputError`` saying what is wrong."""
    values = _numbers(frame, BGNBD_COLUMNS, what)
    x, t_x, T = values["frequency"], values["recency"], values["T"]
    if (x < 0).any() or (x != np.round(x)).any():
        raise ModelInputError(f"{what}: frequency must be whole numbers ≥ 0")
    if (t_x < 0).any() or (t_x > T).any():
        raise ModelInputError(f"{what}: recency must lie between 0 and T")
    if ((x == 0) & (t_x != 0)).any():
        raise ModelInputError(f"{what}: recency must be 0 for a customer without repeat purchases")
    return x, t_x, T


def _weighted(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of ``columns`` and how many times each occurs."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(float)


def maximise(negative_mean_ll, starts: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """The log-parameters of the best finite optimum over ``starts``, and its value."""
    best, best_value = None, np.inf
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(starts[0])
    with np.errstate(all="ignore"):
        for start in starts:
            result = minimize(negative_mean_ll, start, method="L-BFGS-B", bounds=bounds,
                              options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9})
            if np.isfinite(result.fun) and result.fun < best_value:
                best, best_value = result.x, float(result.fun)
    if best is None:
        raise FitFailed("no starting point reached a finite log-likelihood")
    return best, best_value


def fit_bgnbd(x, t_x, T) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters of these customers."""
    (ux, ut, uT), weights = _weighted(x, t_x, T)
    total = weights.sum()

    def negative(log_params: np.ndarray) -> float:
        params = BgNbdParams(*np.exp(log_params))
        value = -(weights * bgnbd_log_likelihood(params, ux, ut, uT)).sum() / total
        return value if np.isfinite(value) else np.inf

    scale = max(float(np.mean(T)), 1e-3)
    starts = [np.log([r, scale * k, a, b]) for r, k, a, b in
              ((1.0, 1.0, 1.0, 1.0), (0.25, 0.1, 0.8, 2.5), (2.0, 2.0, 0.5, 5.0), (0.5, 0.5, 2.0, 1.0))]
    best, value = maximise(negative, starts)
    r, alpha, a, b = np.exp(best)
    return BgNbdParams(r=float(r), alpha=float(alpha), a=float(a), b=float(b),
                       log_likelihood=float(-value * total))


@dataclass(frozen=True)
class BgNbdQuery:
    """Customers' summaries (``frequency``, ``recency``, ``T``) and a horizon in the same unit."""

    summary: pd.DataFrame
    horizon: float


@register_model
class BgNbd(InsightModel[pd.DataFrame, BgNbdQuery, pd.DataFrame]):
    """Beta-geometric / NBD: who is still a customer, and how often they will buy.

    ``predict`` answers, per row of the query (same index): ``expected_purchases`` in the
    next ``horizon`` and ``probability_alive``.
    """

    name = "bg_nbd"
    params: BgNbdParams | None = None

    def fit(self, data: pd.DataFrame) -> "BgNbd":
        x, t_x, T = check_bgnbd_summary(data, "the training summary")
        if not (T > 0).any():
            raise ModelInputError("the training summary: every customer has age 0")
        self.params = fit_bgnbd(x, t_x, T)
        self._fitted = True
        return self

    def predict(self, query: BgNbdQuery) -> pd.DataFrame:
        self._require_fitted()
        if not isinstance(query, BgNbdQuery):
            raise ModelInputError("the query must be a BgNbdQuery")
        if not np.isfinite(query.horizon) or query.horizon < 0:
            raise ModelInputError("the horizon must be a number ≥ 0")
        x, t_x, T = check_bgnbd_summary(query.summary, "the query")
        with np.errstate(all="ignore"):
            expected = bgnbd_conditional_expected_purchases(self.params, query.horizon, x, t_x, T)
            alive = bgnbd_probability_alive(self.params, x, t_x, T)
        if not (np.isfinite(expected).all() and np.isfinite(alive).all()):
            raise ModelInputError("the query has customers the fitted model cannot score")
        return pd.DataFrame({"expected_purchases": expected, "probability_alive": alive},
                            index=query.summary.index)

    @classmethod
    def example(cls) -> tuple[pd.DataFrame, BgNbdQuery]:
        summary = pd.DataFrame({
            "frequency": [0, 1, 2, 0, 4, 1, 0, 3, 6, 0, 2, 1],
            "recency": [0.0, 10.0, 30.0, 0.0, 35.0, 5.0, 0.0, 20.0, 38.0, 0.0, 12.0, 30.0],
            "T": [38.0, 38.0, 38.0, 20.0, 39.0, 25.0, 39.0, 30.0, 39.0, 10.0, 35.0, 36.0]})
        return summary, BgNbdQuery(summary=summary.iloc[:4].copy(), horizon=39.0)

    @classmethod
    def empty(cls) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in BGNBD_COLUMNS})

    def check_output(self, output: pd.DataFrame, query: BgNbdQuery) -> None:
        assert isinstance(output, pd.DataFrame)
        assert list(output.columns) == ["expected_purchases", "probability_alive"]
        assert output.index.equals(query.summary.index)
        assert (output["expected_purchases"] >= 0).all()
        assert output["probability_alive"].between(0, 1).all()


# ---- Gamma-Gamma ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float = float("nan")

    @property
    def population_mean(self) -> float:
        """E[M] of a customer not yet seen: p·v / (q − 1) (q > 1)."""
        return self.p * self.v / (self.q - 1)


def gamma_gamma_log_likelihood(params: GammaGammaParams, x, m) -> np.ndarray:
    """Each repeat customer's log-density of their mean spend m̄ over x purchases."""
    p, q, v = params.p, params.q, params.v
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x))


def gamma_gamma_expected_spend(params: GammaGammaParams, x, m) -> np.ndarray:
    """E[M | p, q, v, m̄, x] = (v + m̄·x)·p / (p·x + q − 1); the population mean for x = 0."""
    p, q, v = params.p, params.q, params.v
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    return (v + m * x) * p / (p * x + q - 1)


def fit_gamma_gamma(x, m) -> GammaGammaParams:
    (ux, um), weights = _weighted(x, m)
    total = weights.sum()

    def negative(log_params: np.ndarray) -> float:
        params = GammaGammaParams(*np.exp(log_params))
        value = -(weights * gamma_gamma_log_likelihood(params, ux, um)).sum() / total
        return value if np.isfinite(value) else np.inf

    scale = float(np.mean(m))
    starts = [np.log([p, q, scale * k]) for p, q, k in
              ((1.0, 2.0, 1.0), (5.0, 4.0, 0.5), (2.0, 10.0, 5.0), (10.0, 1.5, 0.1))]
    best, value = maximise(negative, starts)
    p, q, v = np.exp(best)
    return GammaGammaParams(p=float(p), q=float(q), v=float(v), log_likelihood=float(-value * total))


GG_COLUMNS = ("frequency", "monetary_value")


def check_spend_summary(frame, what: str = "the summary") -> tuple[np.ndarray, np.ndarray]:
    values = _numbers(frame, GG_COLUMNS, what)
    x, m = values["frequency"], values["monetary_value"]
    if (x < 0).any() or (x != np.round(x)).any():
        raise ModelInputError(f"{what}: frequency must be whole numbers ≥ 0")
    if ((x > 0) & (m <= 0)).any():
        raise ModelInputError(f"{what}: monetary_value must be > 0 for a repeat customer")
    return x, m


@register_model
class GammaGamma(InsightModel[pd.DataFrame, pd.DataFrame, pd.Series]):
    """Gamma-Gamma spend: the expected amount of a customer's future purchases, their own
    mean repeat spend shrunk towards the population's.

    ``fit`` uses the customers with at least one repeat purchase (the others carry no
    monetary information); ``predict`` answers ``expected_spend`` per row (same index),
    the population mean for a customer without repeat purchases. Needs q > 1 (a finite mean).
    """

    name = "gamma_gamma"
    params: GammaGammaParams | None = None

    def fit(self, data: pd.DataFrame) -> "GammaGamma":
        x, m = check_spend_summary(data, "the training summary")
        repeat = x > 0
        if repeat.sum() < 2:
            raise ModelInputError("the training summary needs at least two customers with a repeat purchase")
        params = fit_gamma_gamma(x[repeat], m[repeat])
        if params.q <= 1:
            raise FitFailed(f"the fitted q = {params.q:.3f} ≤ 1: the mean spend is not finite")
        self.params = params
        self._fitted = True
        return self

    def predict(self, query: pd.DataFrame) -> pd.Series:
        self._require_fitted()
        x, m = check_spend_summary(query, "the query")
        spend = np.where(x > 0, gamma_gamma_expected_spend(self.params, x, np.where(x > 0, m, 0.0)),
                         self.params.population_mean)
        return pd.Series(spend, index=query.index, name="expected_spend")

    @classmethod
    def example(cls) -> tuple[pd.DataFrame, pd.DataFrame]:
        summary = pd.DataFrame({
            "frequency": [1, 2, 3, 1, 4, 2, 1, 5, 2, 3, 0, 1],
            "monetary_value": [20.0, 35.5, 18.0, 60.0, 25.0, 40.0, 12.5, 30.0, 22.0, 55.0, 0.0, 28.0]})
        return summary, summary.iloc[[0, 4, 10]].copy()

    @classmethod
    def empty(cls) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in GG_COLUMNS})

    def check_output(self, output: pd.Series, query: pd.DataFrame) -> None:
        assert isinstance(output, pd.Series)
        assert output.name == "expected_spend"
        assert output.index.equals(query.index)
        assert np.isfinite(output.to_numpy()).all() and (output > 0).all()


# ---- customer lifetime value ----------------------------------------------------------------

def clv(bgnbd: BgNbdParams, spend: np.ndarray, x, t_x, T, *, horizon: float,
        period: float | None = None, discount_rate: float = 0.0) -> np.ndarray:
    """CLV over ``horizon``: expected purchases in the horizon × expected spend per purchase.

    With a ``discount_rate`` per ``period`` (e.g. monthly: 30 days), the purchases expected
    in each period k = 1…⌈horizon/period⌉ are discounted by (1 + rate)^k (end-of-period
    discounting, as lifetimes' ``customer_lifetime_value``); without one, no discounting.
    """
    spend = np.asarray(spend, dtype=float)
    if not discount_rate:
        return bgnbd_conditional_expected_purchases(bgnbd, horizon, x, t_x, T) * spend
    if not period or period <= 0:
        raise ValueError("a discount rate needs a period > 0")
    total, before = 0.0, 0.0
    periods = int(np.ceil(horizon / period))
    for k in range(1, periods + 1):
        upto = bgnbd_conditional_expected_purchases(bgnbd, min(k * period, horizon), x, t_x, T)
        total = total + (upto - before) / (1 + discount_rate) ** k
        before = upto
    return total * spend
