"""The one contract every model of insights keeps, and the registry the shared test walks.

A model is fitted on typed training data and then answers typed queries::

    model = BgNbd().fit(summary)          # returns the model itself, fitted
    model.predict(query)                  # typed output (a dataclass or a DataFrame)

Rules every model follows (``tests/insights/test_model_contract.py`` checks each one):

- ``fit`` returns ``self``; it never changes its input; fitting twice on the same data gives
  the same answers (any randomness is seeded).
- ``predict`` before ``fit`` raises ``NotFittedError``.
- Empty or malformed input raises ``ModelInputError`` with a message that says what is wrong
  (never an ``IndexError`` or a NaN result).
- ``example()`` gives a small deterministic training set and query, for the shared test and
  the docs; ``check_output`` says whether an answer has the documented shape.

Models register themselves with ``@register_model``; the registry is filled when their
modules are imported (``MODEL_MODULES`` lists them, so the shared test sees every model).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from importlib import import_module
from typing import Any, ClassVar, Generic, Self, TypeVar

TrainT = TypeVar("TrainT")
QueryT = TypeVar("QueryT")
OutT = TypeVar("OutT")


class ModelInputError(ValueError):
    """The data given to ``fit`` or ``predict`` cannot be used; the message says why."""


class NotFittedError(RuntimeError):
    """``predict`` was called on a model that was not fitted."""


class InsightModel(ABC, Generic[TrainT, QueryT, OutT]):
    """Base class of every model: ``fit(train) -> self`` and ``predict(query) -> output``."""

    name: ClassVar[str]

    _fitted: bool = False

    @abstractmethod
    def fit(self, data: TrainT) -> Self:
        """Estimate the model from ``data``; set ``self._fitted``; return ``self``."""

    @abstractmethod
    def predict(self, query: QueryT) -> OutT:
        """Answer ``query`` with the fitted model (``NotFittedError`` before ``fit``)."""

    @classmethod
    @abstractmethod
    def example(cls) -> tuple[TrainT, QueryT]:
        """A small deterministic training set and a query over it."""

    @classmethod
    @abstractmethod
    def empty(cls) -> TrainT:
        """Training data with no rows (``fit`` must refuse it with ``ModelInputError``)."""

    @abstractmethod
    def check_output(self, output: OutT, query: QueryT) -> None:
        """Raise ``AssertionError`` unless ``output`` answers ``query`` as documented."""

    @property
    def fitted(self) -> bool:
        return self._fitted

    def _require_fitted(self) -> None:
        if not self._fitted:
            raise NotFittedError(f"{type(self).__name__} must be fitted before predict")


MODELS: dict[str, type[InsightModel]] = {}

# Modules whose import registers models; the shared test imports them all.
MODEL_MODULES = (
    "zhanggui.insights.basket",
    "zhanggui.insights.recommend",
    "zhanggui.insights.clv",
    "zhanggui.insights.anomalies",
    "zhanggui.insights.forecast_model",
)

M = TypeVar("M", bound=type[InsightModel])


def register_model(cls: M) -> M:
    """Class decorator: add a model to ``MODELS`` under its ``name`` (unique)."""
    if cls.name in MODELS and MODELS[cls.name] is not cls:
        raise ValueError(f"two models are named {cls.name!r}")
    MODELS[cls.name] = cls
    return cls


def all_models() -> dict[str, type[InsightModel]]:
    """Every registered model, after importing the modules that define them (a module that
    does not exist is passed over here; the shared test requires each to exist)."""
    for module in MODEL_MODULES:
        try:
            import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    return dict(MODELS)


def same_output(left: Any, right: Any) -> bool:
    """Whether two outputs are equal (DataFrames, arrays, dataclasses, plain values)."""
    compare: Callable[[Any, Any], bool] = _compare
    return compare(left, right)


def _compare(left: Any, right: Any) -> bool:
    import dataclasses

    import numpy as np
    import pandas as pd

    if isinstance(left, pd.DataFrame):
        return isinstance(right, pd.DataFrame) and left.equals(right)
    if isinstance(left, pd.Series):
        return isinstance(right, pd.Series) and left.equals(right)
    if isinstance(left, np.ndarray):
        return isinstance(right, np.ndarray) and np.array_equal(left, right, equal_nan=True)
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return type(left) is type(right) and all(
            _compare(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left))
    if isinstance(left, list | tuple):
        return (type(left) is type(right) and len(left) == len(right)
                and all(_compare(a, b) for a, b in zip(left, right, strict=True)))
    if isinstance(left, dict):
        return (isinstance(right, dict) and left.keys() == right.keys()
                and all(_compare(left[k], right[k]) for k in left))
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (left != left and right != right)
    return left == right
