"""BG/NBD and Gamma-Gamma (``insights.clv``) against the literature and by recovering the
parameters of simulated customers.

Published numbers (Fader, Hardie & Lee 2005, CDNOW cohort in weeks): r = 0.243,
α = 4.414, a = 0.793, b = 2.426; the worked example x = 2, t_x = 30.43, T = 38.86 expects
1.226 purchases in the next 39 weeks; E[X(t)] of Hardie's spreadsheet (as lifetimes tests
it). Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): p = 6.25, q = 3.74, v = 15.44;
E[M] for CDNOW's customers 1 (x = 2, m̄ = $22.35) and 2 (x = 1, m̄ = $11.77) as lifetimes'
documentation prints them with that fit (24.66, 18.91), and the population mean p·v/(q−1).
"""

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.insights import clv
from zhanggui.insights.clv import (
    BgNbd,
    BgNbdParams,
    BgNbdQuery,
    GammaGamma,
    GammaGammaParams,
)
from zhanggui.insights.clv_data import summarise
from zhanggui.insights.contract import ModelInputError

CDNOW = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = GammaGammaParams(p=6.25, q=3.74, v=15.44)


def test_the_papers_worked_example_of_conditional_expected_purchases():
    got = clv.bgnbd_conditional_expected_purchases(CDNOW, 39, 2, 30.43, 38.86)
    assert got == pytest.approx(1.226, abs=0.001)


def test_expected_purchases_of_a_new_customer_match_hardies_spreadsheet():
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    got = clv.bgnbd_expected_purchases(CDNOW, times)
    np.testing.assert_allclose(got, expected, rtol=0.005)


def test_probability_alive_is_one_without_repeat_purchases_and_falls_with_silence():
    assert clv.bgnbd_probability_alive(CDNOW, 0, 0, 38.86) == 1.0
    recent, silent = clv.bgnbd_probability_alive(CDNOW, [5, 5], [38.0, 10.0], [38.86, 38.86])
    assert 0 < silent < recent < 1
    # Conditional expectation is E[X(t)]-like for a fresh customer: x = 0, T = 0.
    fresh = clv.bgnbd_conditional_expected_purchases(CDNOW, 39, 0, 0, 0)
    assert fresh == pytest.approx(clv.bgnbd_expected_purchases(CDNOW, 39), rel=1e-9)


def test_gamma_gamma_expected_spend_of_the_papers_fit():
    got = clv.gamma_gamma_expected_spend(CDNOW_SPEND, [2, 1], [22.35, 11.77])
    np.testing.assert_allclose(got, [24.66, 18.91], atol=0.01)
    assert CDNOW_SPEND.population_mean == pytest.approx(35.22, abs=0.005)
    # Many purchases: the customer's own mean dominates the population's.
    assert clv.gamma_gamma_expected_spend(CDNOW_SPEND, 500, 80.0) == pytest.approx(80.0, rel=0.01)


def test_the_likelihood_is_maximal_at_the_fit():
    x, t_x, T = simulate_bgnbd(BgNbdParams(0.5, 10.0, 0.7, 3.0), 2000, seed=3)
    fitted = clv.fit_bgnbd(x, t_x, T)
    best = clv.bgnbd_log_likelihood(fitted, x, t_x, T).sum()
    assert best == pytest.approx(fitted.log_likelihood, rel=1e-9)
    for factor in (0.9, 1.1):
        for field in ("r", "alpha", "a", "b"):
            moved = BgNbdParams(**{**fitted.__dict__, field: getattr(fitted, field) * factor})
            assert clv.bgnbd_log_likelihood(moved, x, t_x, T).sum() < best


# ---- recovery from simulated customers ------------------------------------------------------

def simulate_bgnbd(params: BgNbdParams, n: int, *, seed: int, horizon: float = 52.0):
    """Customers born at 0 and watched to ``horizon`` (numpy, seeded): λ ~ Gamma(r, 1/α),
    p ~ Beta(a, b); purchases Poisson(λ) while alive; after each purchase the customer
    leaves with probability p. Returns (x, t_x, T) of repeat purchases."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > horizon:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < p[i]:
                break
    return x, t_x, np.full(n, horizon)


def simulate_spend(params: GammaGammaParams, x: np.ndarray, *, seed: int) -> np.ndarray:
    """Each customer's mean of x transactions: ν ~ Gamma(q, 1/v), z ~ Gamma(p, 1/ν)."""
    rng = np.random.default_rng(seed)
    nu = rng.gamma(params.q, 1 / params.v, len(x))
    return np.array([rng.gamma(params.p, 1 / nu[i], int(k)).mean() if k else 0.0
                     for i, k in enumerate(x)])


def test_a_large_simulated_population_gives_back_its_bgnbd_parameters():
    truth = BgNbdParams(r=0.8, alpha=6.0, a=0.9, b=3.5)
    x, t_x, T = simulate_bgnbd(truth, 20_000, seed=20261206)
    summary = pd.DataFrame({"frequency": x, "recency": t_x, "T": T})
    got = BgNbd().fit(summary).params
    assert got.r == pytest.approx(truth.r, rel=0.1)
    assert got.alpha == pytest.approx(truth.alpha, rel=0.15)
    assert got.a == pytest.approx(truth.a, rel=0.25)
    assert got.b == pytest.approx(truth.b, rel=0.3)


def test_a_large_simulated_population_gives_back_its_gamma_gamma_parameters():
    truth = GammaGammaParams(p=4.0, q=5.0, v=40.0)
    x = np.random.default_rng(7).integers(1, 8, 10_000).astype(float)
    summary = pd.DataFrame({"frequency": x, "monetary_value": simulate_spend(truth, x, seed=8)})
    got = GammaGamma().fit(summary).params
    assert got.p == pytest.approx(truth.p, rel=0.1)
    assert got.q == pytest.approx(truth.q, rel=0.15)
    assert got.v == pytest.approx(truth.v, rel=0.2)
    assert got.population_mean == pytest.approx(truth.population_mean, rel=0.05)


# ---- invariants and refusals ---------------------------------------------------------------

params = st.builds(BgNbdParams, st.floats(0.05, 5), st.floats(0.5, 100), st.floats(0.1, 5),
                   st.floats(0.1, 10))


@settings(max_examples=200, deadline=None)
@given(params=params, x=st.integers(0, 50), share=st.floats(0, 1), T=st.floats(0.1, 400),
       horizon=st.floats(0, 400))
def test_probability_alive_is_a_probability_and_expectations_grow_with_the_horizon(params, x, share, T,
                                                                                   horizon):
    t_x = share * T if x else 0.0
    alive = float(clv.bgnbd_probability_alive(params, x, t_x, T))
    assert 0 <= alive <= 1
    near = float(clv.bgnbd_conditional_expected_purchases(params, horizon, x, t_x, T))
    far = float(clv.bgnbd_conditional_expected_purchases(params, horizon + 30, x, t_x, T))
    assert np.isfinite(near) and 0 <= near <= far + 1e-9


@settings(max_examples=100, deadline=None)
@given(x=st.integers(1, 100), m=st.floats(0.01, 10_000))
def test_expected_spend_lies_between_the_customers_mean_and_the_populations(x, m):
    got = float(clv.gamma_gamma_expected_spend(CDNOW_SPEND, x, m))
    low, high = sorted([m, CDNOW_SPEND.population_mean])
    assert low - 1e-9 <= got <= high + 1e-9


def test_clv_is_expected_purchases_times_spend_and_discounting_lowers_it():
    x, t_x, T = np.array([3.0, 0.0]), np.array([300.0, 0.0]), np.array([330.0, 200.0])
    daily = BgNbdParams(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)
    spend = np.array([120.0, 80.0])
    plain = clv.clv(daily, spend, x, t_x, T, horizon=365)
    expected = clv.bgnbd_conditional_expected_purchases(daily, 365, x, t_x, T) * spend
    np.testing.assert_allclose(plain, expected)
    discounted = clv.clv(daily, spend, x, t_x, T, horizon=365, period=30, discount_rate=0.01)
    assert (discounted < plain).all() and (discounted > plain * 0.9).all()
    undiscounted_by_month = clv.clv(daily, spend, x, t_x, T, horizon=365, period=30, discount_rate=1e-12)
    np.testing.assert_allclose(undiscounted_by_month, plain, rtol=1e-9)


@pytest.mark.parametrize(("frame", "message"), [
    (pd.DataFrame({"frequency": [1], "recency": [2.0]}), "lacks the columns T"),
    (pd.DataFrame({"frequency": [1.5], "recency": [2.0], "T": [3.0]}), "whole numbers"),
    (pd.DataFrame({"frequency": [1], "recency": [4.0], "T": [3.0]}), "between 0 and T"),
    (pd.DataFrame({"frequency": [0], "recency": [1.0], "T": [3.0]}), "recency must be 0"),
    (pd.DataFrame({"frequency": [1], "recency": [np.nan], "T": [3.0]}), "missing or infinite"),
    (pd.DataFrame({"frequency": [0, 0], "recency": [0.0, 0.0], "T": [0.0, 0.0]}), "age 0"),
    ("not a frame", "must be a DataFrame"),
])
def test_malformed_summaries_are_refused_with_what_is_wrong(frame, message):
    with pytest.raises(ModelInputError, match=message):
        BgNbd().fit(frame)


def test_gamma_gamma_needs_repeat_customers_and_positive_spend():
    with pytest.raises(ModelInputError, match="at least two customers"):
        GammaGamma().fit(pd.DataFrame({"frequency": [0, 0, 1], "monetary_value": [0.0, 0.0, 5.0]}))
    with pytest.raises(ModelInputError, match="must be > 0"):
        GammaGamma().fit(pd.DataFrame({"frequency": [1, 2], "monetary_value": [0.0, 5.0]}))


def test_a_negative_horizon_is_refused():
    train, query = BgNbd.example()
    model = BgNbd().fit(train)
    with pytest.raises(ModelInputError, match="horizon"):
        model.predict(BgNbdQuery(summary=query.summary, horizon=-1))


# ---- optional: the real CDNOW sample, when a copy is on disk (never committed) ---------------

def _cdnow_sample() -> Path | None:
    candidates = [os.environ.get("ZHANGGUI_CDNOW_SAMPLE", ""),
                  Path(__file__).resolve().parents[3] / "shared" / "datasets" / "CDNOW_sample.txt",
                  "/tmp/lt/x/lifetimes/datasets/CDNOW_sample.txt"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def test_the_cdnow_sample_gives_the_published_fit():
    """2,357 customers' purchases in 1997-98; calibration: the first 39 weeks (to 1997-09-30).
    Published: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; Gamma-Gamma p = 6.25,
    q = 3.74, v = 15.44 on the repeat customers' mean spend."""
    path = _cdnow_sample()
    if path is None:
        pytest.skip("no copy of CDNOW_sample.txt (set ZHANGGUI_CDNOW_SAMPLE)")
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["customer", "id", "day", "units", "amount"],
                      dtype={"day": str})
    raw["day"] = pd.to_datetime(raw["day"], format="%Y%m%d")
    summary = summarise(raw, calibration_end=date(1997, 9, 30), time_unit="weeks")
    assert len(summary) == 2357
    got = BgNbd().fit(summary).params
    assert (got.r, got.alpha, got.a, got.b) == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=0.001)
    assert got.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    spend = GammaGamma().fit(summary).params
    assert (spend.p, spend.q, spend.v) == pytest.approx((6.25, 3.74, 15.44), abs=0.01)
