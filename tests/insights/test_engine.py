"""The forecasting engine on small synthetic series (a few series, a few months)."""

import numpy as np
import pandas as pd
import pytest

from zhanggui.insights import engine, rules, series

END = pd.Timestamp("2026-11-30")  # a Monday
DAYS = 126  # 18 weeks


def _frame(key: str, values) -> pd.DataFrame:
    days = pd.date_range(end=END, periods=len(values), freq="D")
    return pd.DataFrame({"unique_id": key, "ds": days, "y": np.asarray(values, dtype=float)})


def _weekly(level: float, *, closed_saturday: bool = False, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=END, periods=DAYS, freq="D")
    shape = np.where(days.dayofweek == 5, 0.0 if closed_saturday else 1.0, 1.0)
    shape = np.where(days.dayofweek == 0, 1.6, shape)  # Mondays sell more
    return rng.poisson(level * shape).astype(float)


@pytest.fixture(scope="module")
def basic():
    # The shop is closed on Saturdays: every series sells nothing then.
    saturday = pd.date_range(end=END, periods=DAYS, freq="D").dayofweek == 5
    history = pd.concat([
        _frame("smooth", _weekly(20, closed_saturday=True)),
        _frame("intermittent", np.where((np.arange(DAYS) % 9 == 0) & ~saturday, 4.0, 0.0)),
    ])
    return engine.forecast_demand(history, horizon=28)


def test_forecasts_28_days_after_the_history_for_each_series(basic):
    assert len(basic.forecasts) == 2 * 28
    days = basic.forecasts[basic.forecasts["unique_id"] == "smooth"]["ds"]
    assert days.min() == END + pd.Timedelta(days=1)
    assert days.max() == END + pd.Timedelta(days=28)
    assert set(basic.fits["unique_id"]) == {"smooth", "intermittent"}


def test_forecast_follows_the_level_and_the_weekdays(basic):
    smooth = basic.forecasts[basic.forecasts["unique_id"] == "smooth"].set_index("ds")
    weekday = smooth.index.dayofweek
    assert (smooth["mean"][weekday == 5] == 0).all()  # closed on Saturdays
    mondays, others = smooth["mean"][weekday == 0], smooth["mean"][~weekday.isin([0, 5])]
    assert mondays.mean() > 1.3 * others.mean()
    assert others.mean() == pytest.approx(20, rel=0.25)
    intermittent = basic.fits.set_index("unique_id").loc["intermittent"]
    assert intermittent["mean_daily_demand"] == pytest.approx(4 / 9, rel=0.5)


def test_intervals_contain_the_forecast(basic):
    frame = basic.forecasts
    assert (frame["lower"] <= frame["mean"] + 1e-9).all()
    assert (frame["mean"] <= frame["upper"] + 1e-9).all()
    assert (frame["lower"] >= 0).all()
    open_days = frame[(frame["unique_id"] == "smooth") & (frame["ds"].dt.dayofweek != 5)]
    assert (open_days["upper"] > open_days["lower"]).all()


def test_fit_figures(basic):
    fits = basic.fits.set_index("unique_id")
    smooth = fits.loc["smooth"]
    assert smooth["history_days"] == DAYS and smooth["censored_days"] == 0
    assert 0 < smooth["error_std"] < 20
    assert smooth["mase"] is not None and 0 < smooth["mase"] < 1.5
    assert smooth["xyz_class"] == "X"
    assert all(name in [*series.candidate_names(), "SeasonalNaive"]
               for name in smooth["model"].split("+"))


def test_censored_days_are_counted_and_not_read_as_zero_demand():
    values = _weekly(10, seed=3)
    censored = values.copy()
    censored[-21:-7] = np.nan  # two weeks out of stock, recently
    as_zero = values.copy()
    as_zero[-21:-7] = 0.0
    out = engine.forecast_demand(pd.concat([_frame("censored", censored),
                                            _frame("as_zero", as_zero)]), horizon=28)
    fits = out.fits.set_index("unique_id")
    assert fits.loc["censored", "censored_days"] == 14
    assert fits.loc["as_zero", "censored_days"] == 0
    assert fits.loc["censored", "mean_daily_demand"] == pytest.approx(10.5, rel=0.25)
    assert fits.loc["censored", "mean_daily_demand"] > fits.loc["as_zero", "mean_daily_demand"]


def test_event_uplift_is_estimated_and_applied_on_future_event_days_only():
    days = pd.date_range(end=END, periods=DAYS, freq="D")
    history, events = [], []
    for n in range(6):
        values = _weekly(10, seed=10 + n)
        boosted = (days >= "2026-11-01") & (days <= "2026-11-03")  # a past promotion
        values = np.where(boosted, values * 3, values)
        history.append(_frame(f"s{n}", values))
    promotion_days = [*pd.date_range("2026-11-01", "2026-11-03"),
                      pd.Timestamp("2026-12-10"), pd.Timestamp("2026-12-11")]  # and a coming one
    events = pd.DataFrame({"unique_id": None, "ds": promotion_days, "kind": rules.PROMOTION})
    with_events = engine.forecast_demand(pd.concat(history), horizon=28, events=events)
    without = engine.forecast_demand(pd.concat(history), horizon=28)
    uplift = with_events.uplifts[rules.PROMOTION]
    assert 1.5 < uplift < 3  # ratio about 3, shrunk toward 1 (3 days seen, prior 7)
    a = with_events.forecasts.set_index(["unique_id", "ds"])["mean"]
    b = without.forecasts.set_index(["unique_id", "ds"])["mean"]
    ratio = (a / b).unstack("unique_id")
    event_days = ratio.index.isin(promotion_days)
    assert np.allclose(ratio[event_days], uplift, rtol=0.15)
    # Other days: the past promotion was divided out, not learned as a higher level.
    assert np.allclose(ratio[~event_days].mean(), 1.0, atol=0.08)


def test_a_short_series_still_gets_a_forecast():
    out = engine.forecast_demand(_frame("new", [3.0, 0, 2, 5, 1, 0, 4, 2, 3]), horizon=28)
    fit = out.fits.iloc[0]
    assert fit["history_days"] == 9 and pd.isna(fit["mase"]) and fit["xyz_class"] == ""
    assert (out.forecasts["mean"] >= 0).all() and out.forecasts["mean"].sum() > 0


def test_empty_history_gives_no_forecasts():
    out = engine.forecast_demand(pd.DataFrame(columns=["unique_id", "ds", "y"]), horizon=28)
    assert out.forecasts.empty and out.fits.empty


def test_a_rare_spike_still_gets_an_interval_of_some_width():
    values = np.zeros(DAYS)
    values[-1] = 1000.0  # the CV folds saw nothing but zeros forecast as zeros, then a spike
    out = engine.forecast_demand(_frame("spike", values), horizon=28)
    frame = out.forecasts[out.forecasts["mean"] > 0]
    assert not frame.empty
    assert (frame["upper"] > frame["mean"]).all() and (frame["lower"] < frame["mean"]).all()
