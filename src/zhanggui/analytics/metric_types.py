"""The types of the metric registry (``metrics``): a ``Source`` (a fact table restricted to a
report's periods and filters) and a ``Metric`` (an SQL aggregate over a source, or the ratio
or difference of two other metrics). In a module of their own so that the registry's parts
(``metrics``, ``logistics_metrics``) share them without importing each other."""

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["money", "count", "rate", "number"]


@dataclass(frozen=True)
class Source:
    code: str
    sql: str
    channel: str = ""  # condition when a channel is chosen ($channel)
    category: str = ""  # condition when a category is chosen ($category)
    # Conditions when a warehouse ($warehouse) or a carrier ($carrier) is chosen, added to
    # the period bounds ``{span}`` (the logistics sources').
    warehouse: str = ""
    carrier: str = ""
    dimensions: tuple[str, ...] = ()
    # The time column the period join compares, and the relation it joins: ``{span}`` becomes
    # the same bounds as literals, so DuckDB skips the row groups outside every period.
    span_column: str = ""
    span_relation: str = "periods"
    span_from_month: bool = False  # cohorts: activity from the first month of the period


@dataclass(frozen=True)
class Metric:
    code: str
    name: str  # 中文名 (translated label)
    formula: str
    unit: Unit
    source: str = ""
    expression: str = ""  # base metrics: an SQL aggregate over the source
    numerator: str = ""  # derived metrics: numerator / denominator, or minuend − subtrahend
    denominator: str = ""
    subtract: bool = False
    notes: str = ""

    @property
    def is_base(self) -> bool:
        return bool(self.expression)

    @property
    def condition(self) -> str:
        """The row condition of the aggregate's ``FILTER (WHERE …)``, if any."""
        found = _FILTER.search(self.expression)
        return found.group(1) if found else ""

    @property
    def unfiltered(self) -> str:
        """The aggregate without its ``FILTER`` (for a query that keeps only those rows)."""
        return _FILTER.sub("", self.expression)


_FILTER = re.compile(r" FILTER \(WHERE ([^()]*)\)")


def metric(code, name, formula, unit, source="", expression="", **kw) -> Metric:
    return Metric(code=code, name=name, formula=formula, unit=unit, source=source,
                  expression=expression, **kw)

