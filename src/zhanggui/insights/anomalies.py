"""The robust seasonal detector of KPI anomalies (contract model ``seasonal_mad``).

A KPI's value for one day (or hour) is compared with the same weekday (weekday × hour) of
the ``weeks`` weeks before it: the baseline is their median, the spread their median
absolute deviation (MAD) scaled to a standard deviation (× 1.4826), never below a floor
(``relative_floor`` × |median|, and ``absolute_floor``) so that a series that barely moves
does not flag every wobble. The robust z-score is (actual − median) / spread; the period is
an anomaly when |z| > ``k`` (the interval is median ± k × spread), at least ``min_history``
comparable periods exist, and — for rates — the period's denominator (visitors, attempts,
GMV) is at least ``min_denominator`` (history periods below it are left out as well).

Training data: a DataFrame of ``period`` (timestamps), ``value`` (float; NaN = unknown) and
optionally ``denominator``. Query: the same columns for the periods to score. Output: one
row per query period with ``expected``, ``lower``, ``upper``, ``score``, ``history`` (how
many periods the baseline used), ``flag`` and ``direction`` (``up`` / ``down`` / ``""``).
Everything is vectorised: the baseline of every query period is a (periods × weeks) matrix
of lagged values.
"""

import warnings
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
import pandas as pd

from zhanggui.insights.contract import InsightModel, ModelInputError, register_model

MAD_SCALE = 1.4826  # MAD of a normal distribution × this = its standard deviation
WEEK = pd.Timedelta(days=7)
OUTPUT_COLUMNS = ("period", "actual", "expected", "lower", "upper", "score", "history", "flag",
                  "direction")


@dataclass(frozen=True)
class DetectorSettings:
    weeks: int = 8
    k: float = 3.5
    min_history: int = 4
    min_denominator: float = 0.0
    relative_floor: float = 0.05
    absolute_floor: float = 1e-9
    # Counts of independent events: the spread is never below the sampling noise, √median
    # (Poisson) for a count, √(p(1 − p) / denominator) (binomial) for a rate of counts.
    noise_floor: str = ""  # "" | "poisson" | "binomial"
    min_expected: float = 0.0  # a sum is only compared when its baseline is at least this
    non_negative: bool = True  # a KPI that cannot be negative: the interval starts at 0 at least


def _frame(data: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ModelInputError(f"{what} must be a DataFrame with columns period and value")
    missing = {"period", "value"} - set(data.columns)
    if missing:
        raise ModelInputError(f"{what} lacks the columns {sorted(missing)}")
    if data.empty:
        raise ModelInputError(f"{what} has no rows: a baseline needs earlier periods")
    periods = pd.to_datetime(data["period"])
    if periods.isna().any():
        raise ModelInputError(f"{what} has periods that are not timestamps")
    if periods.duplicated().any():
        raise ModelInputError(f"{what} has the same period twice")
    denominator = (data["denominator"].astype(float) if "denominator" in data.columns
                   else pd.Series(np.nan, index=data.index))
    return pd.DataFrame({"period": periods.to_numpy(), "value": data["value"].astype(float).to_numpy(),
                         "denominator": denominator.to_numpy()})


@register_model
class SeasonalMadDetector(InsightModel[pd.DataFrame, pd.DataFrame, pd.DataFrame]):
    """Median and scaled MAD of the same weekday (× hour) over the last weeks."""

    name: ClassVar[str] = "seasonal_mad"

    def __init__(self, settings: DetectorSettings | None = None, **options) -> None:
        self.settings = settings or DetectorSettings(**options)
        if self.settings.weeks < 1 or self.settings.k <= 0:
            raise ModelInputError("weeks must be ≥ 1 and k positive")
        self._values: pd.Series | None = None

    def fit(self, data: pd.DataFrame) -> Self:
        frame = _frame(data, "the history")
        values = frame["value"].where(~self._too_small(frame["denominator"]))
        self._values = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(frame["period"]))
        self._fitted = True
        return self

    def _too_small(self, denominator: pd.Series) -> pd.Series:
        if self.settings.min_denominator <= 0:
            return pd.Series(False, index=denominator.index)
        return denominator.isna() | (denominator < self.settings.min_denominator)

    def baseline_matrix(self, periods: pd.DatetimeIndex) -> np.ndarray:
        """The history values at 1..weeks weeks before each period (NaN where unknown)."""
        self._require_fitted()
        lags = [periods - WEEK * j for j in range(1, self.settings.weeks + 1)]
        stacked = pd.DatetimeIndex(np.concatenate([lag.to_numpy() for lag in lags]))
        looked_up = self._values.reindex(stacked).to_numpy(dtype=float)
        return looked_up.reshape(self.settings.weeks, len(periods)).T

    def predict(self, query: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        frame = _frame(query, "the query")
        periods = pd.DatetimeIndex(frame["period"])
        history = self.baseline_matrix(periods)
        counts = (~np.isnan(history)).sum(axis=1)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # a row with no history: NaN
            median = np.nanmedian(history, axis=1)
            mad = np.nanmedian(np.abs(history - median[:, None]), axis=1)
        s = self.settings
        spread = np.maximum.reduce([MAD_SCALE * np.nan_to_num(mad),
                                    s.relative_floor * np.abs(np.nan_to_num(median)),
                                    np.full(len(periods), s.absolute_floor),
                                    self._noise(np.nan_to_num(median), frame["denominator"].to_numpy())])
        actual = frame["value"].to_numpy()
        score = np.where(counts > 0, (actual - median) / spread, 0.0)
        score = np.nan_to_num(score, nan=0.0, posinf=0.0, neginf=0.0)
        enough = (~self._too_small(frame["denominator"]).to_numpy() & ~np.isnan(actual)
                  & (np.abs(np.nan_to_num(median)) >= s.min_expected))
        flag = (counts >= s.min_history) & enough & (np.abs(score) > s.k)
        direction = np.where(flag, np.where(score > 0, "up", "down"), "")
        lower = median - s.k * spread
        if s.non_negative:
            lower = np.maximum(lower, 0.0)
        return pd.DataFrame({
            "period": periods, "actual": actual, "expected": median,
            "lower": lower, "upper": median + s.k * spread,
            "score": score, "history": counts, "flag": flag, "direction": direction})

    def _noise(self, median: np.ndarray, denominator: np.ndarray) -> np.ndarray:
        if self.settings.noise_floor == "poisson":
            return np.sqrt(np.maximum(median, 1.0))
        if self.settings.noise_floor == "binomial":
            p = np.clip(median, 0.0, 1.0)
            n = np.maximum(np.nan_to_num(denominator), 1.0)
            return np.sqrt(np.maximum(p * (1 - p), 1.0 / n) / n)
        return np.zeros(len(median))

    @classmethod
    def example(cls) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Ten weeks of a daily series with a weekly pattern; the query holds a normal
        Monday and a Tuesday spike."""
        days = pd.date_range("2026-01-05", periods=70, freq="D")
        pattern = np.array([100.0, 110, 120, 130, 160, 200, 150])
        wobble = np.tile([0.0, 3, -2, 4, -3, 1, -1, 2, -4, 2], 7)[:70]
        train = pd.DataFrame({"period": days, "value": pattern[days.dayofweek] + wobble})
        query = pd.DataFrame({"period": pd.to_datetime(["2026-03-16", "2026-03-17"]),
                              "value": [101.0, 250.0]})
        return train, query

    @classmethod
    def empty(cls) -> pd.DataFrame:
        return pd.DataFrame({"period": pd.to_datetime([]), "value": pd.Series([], dtype=float)})

    def check_output(self, output: pd.DataFrame, query: pd.DataFrame) -> None:
        assert isinstance(output, pd.DataFrame), "the answer is a DataFrame"
        assert tuple(output.columns) == OUTPUT_COLUMNS, list(output.columns)
        assert len(output) == len(query), "one row per query period"
        known = output["history"] > 0
        assert (output.loc[known, "lower"] <= output.loc[known, "expected"]).all()
        assert (output.loc[known, "expected"] <= output.loc[known, "upper"]).all()
        assert set(output["direction"]) <= {"up", "down", ""}
