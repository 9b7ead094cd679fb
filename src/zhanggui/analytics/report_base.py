"""What every report shares: the ``Report`` it returns (KPIs, charts, tables, "how is this
computed"), its KPI cards with honest comparisons (``rules.compare`` with
``COMPARISON_MIN_BASE``), table columns, and the definitions of the derived tables its
queries read. The reports are in ``reports`` (the shop's five) and ``logistics``.
"""

import re
import textwrap
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader, rollups, rules
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.rules import Period
from zhanggui.core.regions import get_province

NO_FILTERS = Filters()


@dataclass(frozen=True)
class Access:
    """What a viewer of a report may see beyond the reports themselves: cost figures
    (``catalog.view_cost``) and suppliers' names (``suppliers.view_supplier``). The reports
    that carry either leave them out (a supplier shows as its code) for the others — the
    guides: cost prices and supplier information only for those allowed, masked for the rest."""

    cost: bool = False
    suppliers: bool = False


NO_ACCESS = Access()


@dataclass
class Report:
    code: str
    title: str
    period: Period
    compare: Period
    last_year: Period
    filters: Filters
    kpis: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    explain: list[dict] = field(default_factory=list)
    version: int = 0

    def as_dict(self) -> dict:
        return {
            "report": self.code, "title": str(self.title), "version": self.version,
            "period": _period(self.period), "compare": _period(self.compare),
            "last_year": _period(self.last_year),
            "filters": {"channel": self.filters.channel, "category_id": self.filters.category_id,
                        "warehouse_id": self.filters.warehouse_id, "carrier": self.filters.carrier},
            "kpis": self.kpis, "charts": self.charts, "tables": self.tables,
            "explain": self.explain,
        }


def _period(period: Period) -> dict:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _new(code: str, title, period: Period, compare: Period | None, filters: Filters) -> Report:
    current = Period("current", period.start, period.end)
    before = Period("previous", compare.start, compare.end) if compare else rules.previous_period(current)
    return Report(code=code, title=title, period=current, compare=before,
                  last_year=rules.same_period_last_year(current), filters=filters,
                  version=reader.current_version())


def _column(key: str, label, unit: str = "text") -> dict:
    return {"key": key, "label": str(label), "unit": unit}


def _metric_column(code: str) -> dict:
    metric = METRICS[code]
    return _column(code, metric.name, metric.unit)


def _kpi_periods(report: Report) -> list[Period]:
    return [report.period, report.compare, report.last_year]


def _kpi_query(report: Report, codes: list[str], also: list[str] = ()) -> engine.Query:
    """The KPIs of ``codes`` over the three periods; ``also``: more codes from the same
    queries. The size of each KPI (``size_of``) comes too, for its comparisons."""
    wanted = [*codes, *also, *(size_of(c) for c in codes)]
    return engine.query(list(dict.fromkeys(wanted)), _kpi_periods(report), report.filters)


def size_of(code: str) -> str:
    """The metric whose earlier value decides whether a change of ``code`` may be a
    percentage: a total is its own size; a ratio's is its denominator's (recursively)."""
    metric = METRICS[code]
    if metric.is_base or metric.subtract:
        return code
    return size_of(metric.denominator)


def compare(current, base, unit: str, size=None, size_unit: str = "") -> rules.Comparison:
    """``rules.compare`` with the threshold (``COMPARISON_MIN_BASE``) of the unit of the size:
    of ``size`` when given (a ratio's denominator in the earlier period), else of the base."""
    thresholds = settings.ZHANGGUI["COMPARISON_MIN_BASE"]
    if size is None:
        return rules.compare(current, base, min_base=thresholds.get(unit, 0))
    return rules.compare(current, base, min_base=thresholds.get(size_unit, 0), size=size)


def _add_kpis(report: Report, codes: list[str], values: dict) -> dict:
    """Add the KPI cards of ``codes`` (current vs previous vs last year) from ``values`` of
    ``_kpi_query``; returns the current values (those of ``also`` included)."""
    periods = _kpi_periods(report)
    for code in codes:
        metric = METRICS[code]
        now, before, year = (values[p.label][code] for p in periods)
        size = size_of(code)  # a total is its own size: compared as such
        vs_previous, vs_last_year = (
            compare(now, values[p.label][code], metric.unit,
                    None if size == code else values[p.label][size], METRICS[size].unit)
            for p in periods[1:])
        report.kpis.append({
            "code": code, "name": str(metric.name), "unit": metric.unit, "value": now,
            "previous": before, "last_year": year,
            # a fraction only where a percentage is honest (rules.compare), else None
            "change_previous": vs_previous.rate, "change_last_year": vs_last_year.rate,
            "comparison_previous": vs_previous.as_dict(),
            "comparison_last_year": vs_last_year.as_dict(),
        })
    report.explain.extend(engine.explain(codes, periods, report.filters))
    return values["current"]


DERIVED_NOTE = _("A table the warehouse reader derives from the tables above when it loads a version")
ROLLUP_NOTE = _("A rollup the warehouse refresh writes with each version: the same numbers as the facts "
                "it sums, read instead of them when no filter it cannot apply is chosen (new rows are "
                "summed and added at each refresh)")


DERIVED_NAME = re.compile(r"\b(" + "|".join(rollups.DERIVED) + r")\b")


def uncompared_card(code: str, name, value, unit: str) -> dict:
    """A KPI card of a figure that is not compared with other periods (a state as it is now,
    or a figure derived in Python from the period's rows)."""
    none = {"kind": "none", "rate": None, "base": None, "current": value}
    return {"code": code, "name": str(name), "unit": unit, "value": value, "compared": False,
            "previous": None, "last_year": None, "change_previous": None,
            "change_last_year": None, "comparison_previous": none, "comparison_last_year": none}


def _explain_derived(report: Report) -> Report:
    """Add to the "how is this computed" panel the definition of each derived table its
    queries read (and of the derived tables those read)."""
    sql = "\n".join(q for entry in report.explain for q in entry["sql"])
    used = set(DERIVED_NAME.findall(sql))
    for name in reversed(rollups.DERIVED):  # a derived table reads only those above it
        if name in used:
            used |= rollups.DERIVED[name].inputs & rollups.DERIVED.keys()
    for name in (n for n in rollups.DERIVED if n in used):
        report.explain.append({
            "code": name, "name": str(rollups.DERIVED[name].label), "unit": "", "notes": "",
            "formula": str(ROLLUP_NOTE if rollups.DERIVED[name].rollup else DERIVED_NOTE),
            "sql": [f"CREATE TABLE {name} AS\n{textwrap.dedent(rollups.DERIVED[name].sql).strip()}"]})
    return report


def _days(period: Period) -> list:
    return [period.start + timedelta(days=n) for n in range(period.days)]


def province_label(code: str) -> str:
    province = get_province(code or "")
    if province is None:
        return code or str(_("Unknown"))
    return province.name if (get_language() or "zh").startswith("zh") else province.name_en


def _names(table: str, key: str, label: str) -> engine.Rows:
    """``(key, label)`` rows of a table (``dict`` them)."""
    return engine.Rows(f"SELECT {key}, {label} FROM {table}", cached=True)

