"""The seasonal MAD detector and the drill-down, on synthetic series (no warehouse)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.insights.anomalies import DetectorSettings, SeasonalMadDetector
from zhanggui.insights.contract import ModelInputError, NotFittedError
from zhanggui.insights.drilldown import explain

WEEKLY = np.array([100.0, 110, 120, 130, 160, 220, 150])  # Monday … Sunday


def _daily(weeks: int = 9, noise: float = 4.0, seed: int = 1) -> pd.DataFrame:
    days = pd.date_range("2026-01-05", periods=7 * weeks, freq="D")  # a Monday
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"period": days,
                         "value": WEEKLY[days.dayofweek] + rng.normal(0, noise, len(days))})


def _split(frame: pd.DataFrame):
    last = frame["period"].max() - pd.Timedelta(days=6)
    return frame[frame["period"] < last], frame[frame["period"] >= last]


def test_normal_weekly_seasonality_is_not_flagged():
    history, week = _split(_daily())
    scored = SeasonalMadDetector().fit(history).predict(week)
    assert not scored["flag"].any()
    assert (scored["history"] == 8).all()
    # the expected value follows the weekday: Saturday's is about twice Monday's
    saturday = scored[scored["period"].dt.dayofweek == 5]["expected"].iloc[0]
    monday = scored[scored["period"].dt.dayofweek == 0]["expected"].iloc[0]
    assert saturday / monday == pytest.approx(2.2, rel=0.1)


def test_a_spike_and_a_drop_are_flagged_with_their_direction():
    history, week = _split(_daily())
    week = week.copy()
    week.loc[week.index[2], "value"] *= 2.5
    week.loc[week.index[4], "value"] *= 0.3
    scored = SeasonalMadDetector().fit(history).predict(week)
    assert scored["flag"].tolist() == [False, False, True, False, True, False, False]
    assert scored.loc[2, "direction"] == "up" and scored.loc[4, "direction"] == "down"
    assert scored.loc[2, "actual"] > scored.loc[2, "upper"]
    assert scored.loc[4, "actual"] < scored.loc[4, "lower"]


def test_a_flat_series_needs_more_than_a_wobble_to_be_flagged():
    """The MAD of a constant series is 0: the floor (5 % of the median, × k = 3.5) keeps
    moves up to 17.5 % within the interval."""
    days = pd.date_range("2026-01-05", periods=63, freq="D")
    frame = pd.DataFrame({"period": days, "value": 100.0})
    history, week = _split(frame)
    week = week.assign(value=[110.0, 95.0, 100, 100, 100, 85, 115])
    scored = SeasonalMadDetector().fit(history).predict(week)
    assert not scored["flag"].any()
    scored = SeasonalMadDetector(k=3.5, relative_floor=0.05).fit(history).predict(
        week.assign(value=[100.0] * 6 + [200.0]))
    assert scored["flag"].tolist() == [False] * 6 + [True]


def test_a_rate_over_a_tiny_denominator_is_not_flagged():
    days = pd.date_range("2026-01-05", periods=63, freq="D")
    frame = pd.DataFrame({"period": days, "value": 0.05, "denominator": 400.0})
    history, week = _split(frame)
    week = week.assign(value=[0.05, 0.5, 1.0, 0.05, 0.05, 0.05, 0.05],
                       denominator=[400.0, 400.0, 2.0, 400, 400, 400, 400])
    detector = SeasonalMadDetector(min_denominator=30, noise_floor="binomial")
    scored = detector.fit(history).predict(week)
    assert scored["flag"].tolist() == [False, True, False, False, False, False, False]


def test_the_binomial_floor_keeps_small_samples_quiet():
    """Two failures out of six attempts is no anomaly when one in twenty usually fails."""
    days = pd.date_range("2026-01-05", periods=63, freq="D")
    frame = pd.DataFrame({"period": days, "value": 0.05, "denominator": 6.0})
    history, week = _split(frame)
    week = week.assign(value=[2 / 6] + [0.05] * 6)
    plain = SeasonalMadDetector(relative_floor=0.05).fit(history).predict(week)
    floored = SeasonalMadDetector(noise_floor="binomial").fit(history).predict(week)
    assert plain["flag"].iloc[0] and not floored["flag"].iloc[0]


def test_too_little_history_flags_nothing():
    frame = _daily(weeks=3)
    history, week = _split(frame)
    week = week.assign(value=week["value"] * 5)
    scored = SeasonalMadDetector(DetectorSettings(min_history=4)).fit(history).predict(week)
    assert not scored["flag"].any() and (scored["history"] == 2).all()


def test_bad_input_is_refused_clearly():
    with pytest.raises(NotFittedError):
        SeasonalMadDetector().predict(_daily())
    with pytest.raises(ModelInputError, match="no rows"):
        SeasonalMadDetector().fit(SeasonalMadDetector.empty())
    with pytest.raises(ModelInputError, match="columns"):
        SeasonalMadDetector().fit(pd.DataFrame({"period": [1]}))
    twice = pd.DataFrame({"period": pd.to_datetime(["2026-01-05"] * 2), "value": [1.0, 2.0]})
    with pytest.raises(ModelInputError, match="twice"):
        SeasonalMadDetector().fit(twice)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(0.01, 1e6), shift=st.floats(-1e3, 1e3))
def test_scores_do_not_depend_on_the_unit(scale, shift):
    """Invariant: a series in yuan or in thousands of yuan (shifted or not) gets the same
    robust z-scores and flags."""
    history, week = _split(_daily())
    week = week.assign(value=week["value"] * [1, 1, 3, 1, 1, 0.2, 1])
    base = SeasonalMadDetector(relative_floor=0.0).fit(history).predict(week)
    moved = SeasonalMadDetector(relative_floor=0.0, absolute_floor=1e-12).fit(
        history.assign(value=history["value"] * scale + shift)).predict(
        week.assign(value=week["value"] * scale + shift))
    np.testing.assert_allclose(moved["score"], base["score"], rtol=1e-6, atol=1e-6)
    assert moved["flag"].tolist() == base["flag"].tolist()


# --- drill-down ------------------------------------------------------------------------

DIMENSIONS = {"channel": ["own", "tmall", "jd", "douyin"],
              "province": ["11", "31", "44", "33", "51"],
              "payment_method": ["alipay", "wechat", "unionpay"]}
PERIODS = pd.date_range("2026-01-05", periods=9, freq="7D")


def _tables(rng, planted: tuple[str, str] | None, extra: float, rate: bool) -> dict:
    """Per dimension, numerator (and denominator) per period and value; the last period of
    the planted value gets ``extra`` on top (a sum) or ``extra`` more failures (a rate)."""
    tables = {}
    for dimension, values in DIMENSIONS.items():
        rows = []
        for period in PERIODS:
            for value in values:
                base = 200.0 + 20 * values.index(value)
                numerator = base * (0.05 if rate else 1.0) * rng.uniform(0.97, 1.03)
                if planted == (dimension, value) and period == PERIODS[-1]:
                    numerator += extra
                rows.append({"period": period, "key": value, "numerator": numerator,
                             "denominator": base})
        tables[dimension] = pd.DataFrame(rows)
    return tables


def _kpi_deviation(tables, rate: bool) -> tuple[float, float]:
    table = next(iter(tables.values()))
    sums = table.groupby("period")[["numerator", "denominator"]].sum()
    values = sums["numerator"] / sums["denominator"] if rate else sums["numerator"]
    return float(values.iloc[-1] - values.iloc[:-1].median()), float(sums["denominator"].iloc[-1])


@settings(max_examples=40, deadline=None)
@given(dimension=st.sampled_from(sorted(DIMENSIONS)), data=st.data(),
       rate=st.booleans(), seed=st.integers(0, 2**16), sign=st.sampled_from([1, -1]))
def test_the_planted_dimension_and_value_explain_the_deviation(dimension, data, rate, seed, sign):
    value = data.draw(st.sampled_from(DIMENSIONS[dimension]))
    rng = np.random.default_rng(seed)
    extra = sign * (120.0 if rate else 150.0)  # 120 more failures, or 150 yuan more/less
    # the planted deviation shows in its own dimension only; the others share it out evenly
    tables = _tables(rng, (dimension, value), extra, rate)
    for other, values in DIMENSIONS.items():
        if other != dimension:
            last = tables[other]["period"] == PERIODS[-1]
            tables[other].loc[last, "numerator"] += extra / len(values)
    deviation, denominator = _kpi_deviation(tables, rate)
    found = explain(tables, PERIODS[-1], deviation=deviation, is_rate=rate,
                    kpi_denominator=denominator)
    assert (found.dimension, found.value) == (dimension, value)
    assert found.share > 0.7
    assert found.tables[0]["dimension"] == dimension
    assert found.tables[0]["rows"][0]["value"] == value


def test_no_deviation_explains_nothing():
    tables = _tables(np.random.default_rng(0), None, 0.0, False)
    found = explain(tables, PERIODS[-1], deviation=0.0, is_rate=False)
    assert found.dimension == "" and found.share is None


def test_a_dimension_with_one_value_explains_nothing():
    """A shop selling in one channel: the channel carries all of any deviation, trivially."""
    tables = _tables(np.random.default_rng(3), ("payment_method", "wechat"), 150.0, False)
    tables["channel"] = tables["channel"][tables["channel"]["key"] == "own"].copy()
    tables["channel"].loc[tables["channel"]["period"] == PERIODS[-1], "numerator"] += 150.0
    deviation, _den = _kpi_deviation(tables, False)
    found = explain(tables, PERIODS[-1], deviation=deviation, is_rate=False)
    assert found.dimension == "payment_method"
    assert "channel" not in [t["dimension"] for t in found.tables]


def test_the_interval_of_a_kpi_that_cannot_be_negative_starts_at_zero():
    days = pd.date_range("2026-01-05", periods=63, freq="D")
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"period": days, "value": rng.choice([0.0, 0.05, 0.2], size=63)})
    history, week = _split(frame)
    scored = SeasonalMadDetector().fit(history).predict(week)
    assert (scored["lower"] >= 0).all()
    signed = SeasonalMadDetector(non_negative=False).fit(history).predict(week)
    assert (signed["lower"] < 0).any()
