"""The demand forecaster (``insights.engine``) under the models' contract.

``fit`` takes the long history the engine takes (``unique_id``, ``ds``, ``y``; NaN on a
censored day) and chooses and fits each series' model once, for the longest horizon it
will be asked; ``predict`` answers a ``ForecastQuery`` (which series, how many days) from
that fit: one row per series and day with the mean and the prediction interval.
"""

from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
import pandas as pd

from zhanggui.insights import engine
from zhanggui.insights.contract import InsightModel, ModelInputError, register_model

REQUIRED = ("unique_id", "ds", "y")
OUTPUT_COLUMNS = ["unique_id", "ds", "mean", "lower", "upper"]


@dataclass(frozen=True)
class ForecastQuery:
    unique_ids: tuple[str, ...]
    horizon: int


@register_model
class DemandForecaster(InsightModel[pd.DataFrame, ForecastQuery, pd.DataFrame]):
    """Daily demand per series with a ``level`` % interval (see ``insights.engine``)."""

    name: ClassVar[str] = "demand_forecast"

    def __init__(self, *, max_horizon: int = 28, level: int = 80) -> None:
        self.max_horizon = max_horizon
        self.level = level
        self.output: engine.ForecastOutput | None = None

    def fit(self, data: pd.DataFrame) -> Self:
        missing = [column for column in REQUIRED if column not in data.columns]
        if missing:
            raise ModelInputError(f"the history lacks the columns {', '.join(missing)}")
        if data.empty:
            raise ModelInputError("the history has no rows: nothing to forecast")
        if (data["y"].dropna() < 0).any():
            raise ModelInputError("demand cannot be negative")
        self.output = engine.forecast_demand(data.copy(), horizon=self.max_horizon, level=self.level)
        self._fitted = True
        return self

    def predict(self, query: ForecastQuery) -> pd.DataFrame:
        self._require_fitted()
        if not 1 <= query.horizon <= self.max_horizon:
            raise ModelInputError(f"the horizon must be 1 to {self.max_horizon} days")
        forecasts = self.output.forecasts
        unknown = set(query.unique_ids) - set(forecasts["unique_id"])
        if unknown:
            raise ModelInputError(f"no history for {', '.join(sorted(map(str, unknown)))}")
        rows = forecasts[forecasts["unique_id"].isin(query.unique_ids)]
        first_day = rows["ds"].min()
        rows = rows[rows["ds"] < first_day + pd.Timedelta(days=query.horizon)]
        return rows[OUTPUT_COLUMNS].sort_values(["unique_id", "ds"]).reset_index(drop=True)

    @classmethod
    def example(cls) -> tuple[pd.DataFrame, ForecastQuery]:
        days = pd.date_range("2026-01-05", periods=84, freq="D")
        weekly = np.array([3, 4, 4, 5, 6, 9, 8], dtype=float)
        rows = []
        for key, scale in (("sku-a", 1.0), ("sku-b", 0.5)):
            for index, day in enumerate(days):
                rows.append((key, day, scale * weekly[index % 7] + (index % 3)))
        history = pd.DataFrame(rows, columns=list(REQUIRED))
        return history, ForecastQuery(unique_ids=("sku-a", "sku-b"), horizon=14)

    @classmethod
    def empty(cls) -> pd.DataFrame:
        return pd.DataFrame(columns=list(REQUIRED))

    def check_output(self, output: pd.DataFrame, query: ForecastQuery) -> None:
        assert isinstance(output, pd.DataFrame), "the forecast is a DataFrame"
        assert list(output.columns) == OUTPUT_COLUMNS
        assert len(output) == len(query.unique_ids) * query.horizon
        assert set(output["unique_id"]) == set(query.unique_ids)
        assert (output["lower"] <= output["mean"] + 1e-9).all()
        assert (output["mean"] <= output["upper"] + 1e-9).all()
        assert (output["mean"] >= 0).all()
