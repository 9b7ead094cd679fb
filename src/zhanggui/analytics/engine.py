"""Compute registry metrics over the warehouse: one query per source, all periods at once.

``compute(["gmv", "aov"], periods, filters)`` groups the base metrics the codes need by
their source, builds one ``SELECT period[, dimension], aggregate, …`` per source over the
periods, runs it, and derives the ratios in Python (``rules.ratio``), so a number on screen
is always the registry's formula over the registry's source.
"""

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from zhanggui.analytics import reader
from zhanggui.analytics.metrics import METRICS, ROLLUPS, SOURCES, Metric, Rollup, Source, base_metrics
from zhanggui.analytics.rules import Period, ratio, window_ending
from zhanggui.analytics.supply_metrics import SALES_WINDOW_DAYS


@dataclass(frozen=True)
class Filters:
    channel: str = ""
    category_id: int | None = None
    # The logistics sources' filters (a source without their condition ignores them).
    warehouse_id: int | None = None
    carrier: str = ""

    def params(self) -> dict:
        params = {}
        if self.channel:
            params["channel"] = self.channel
        if self.category_id is not None:
            params["category"] = self.category_id
        if self.warehouse_id is not None:
            params["warehouse"] = self.warehouse_id
        if self.carrier:
            params["carrier"] = self.carrier
        return params


def repurchase_window_days() -> int:
    return int(settings.ZHANGGUI.get("REPURCHASE_WINDOW_DAYS", 90))


def window_relations(periods: list[Period]) -> dict[str, list[Period]]:
    """The periods of each relation a source may join: the report's ``periods``, and the
    rolling windows that end with each (``refund_window``: 30 days, ``repurchase_window``:
    the setting), under the same labels."""
    return {"periods": list(periods),
            "refund_window": [window_ending(p, 30) for p in periods],
            "repurchase_window": [window_ending(p, repurchase_window_days()) for p in periods],
            "sales_window": [window_ending(p, SALES_WINDOW_DAYS) for p in periods]}


def _timestamp(day) -> str:
    return f"TIMESTAMP '{day} 00:00:00'"


def period_tables(periods: list[Period]) -> str:
    """The ``periods``, ``refund_window`` and ``repurchase_window`` relations as SQL.

    Dates are ``datetime.date`` objects formatted here, never user text."""
    def relation(name: str, items: list[Period]) -> str:
        values = ", ".join(f"('{p.label}', {_timestamp(p.start)}, {_timestamp(p.end)})" for p in items)
        return f"{name}(label, start_at, end_at) AS (VALUES {values})"

    return ", ".join(relation(name, items) for name, items in window_relations(periods).items())


def span_condition(column: str, periods: list[Period], *, from_month: bool = False) -> str:
    """``AND (column in one of the periods)`` with literal bounds (overlapping and adjacent
    periods merged), which DuckDB checks against each row group's min/max and so skips the
    data outside every period. The join with the period relation still labels the rows."""
    bounds = sorted((p.start.replace(day=1) if from_month else p.start, p.end) for p in periods)
    merged: list[list] = []
    for start, end in bounds:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ranges = " OR ".join(f"({column} >= {_timestamp(start)} AND {column} < {_timestamp(end)})"
                         for start, end in merged)
    return f"AND ({ranges})" if ranges else ""


def rollup_for(source_code: str, metrics: list[Metric], filters: Filters,
               group_by: str | tuple[str, ...] | None = None) -> Rollup | None:
    """The first rollup that answers this query of the source with the same numbers, if any
    (and if the reader holds it: rollups are only kept in memory)."""
    if filters.category_id is not None or filters.warehouse_id is not None or filters.carrier:
        return None
    dimensions, held = set(_dimensions(group_by)), reader.tables()
    for rollup in ROLLUPS:
        if ((rollup.code == source_code or source_code in rollup.also)
                and (rollup.channel or not filters.channel)
                and set(rollup.requires) <= dimensions <= set(rollup.dimensions)
                and all(m.code in rollup.expressions for m in metrics)
                and rollup.table in held):
            return rollup
    return None


def source_sql(source_code: str, metrics: list[Metric], periods: list[Period], filters: Filters,
               group_by: str | tuple[str, ...] | None = None) -> str:
    """The query of ``metrics`` from the source, or from the rollup that answers for it."""
    source = rollup_for(source_code, metrics, filters, group_by) or SOURCES[source_code]
    return _statement(source, metrics, periods, filters, group_by)


def _statement(source: Source, metrics: list[Metric], periods: list[Period], filters: Filters,
               group_by: str | tuple[str, ...] | None) -> str:
    if isinstance(source, Rollup):
        metrics = [dataclasses.replace(m, expression=source.expressions[m.code]) for m in metrics]
    span = span_condition(source.span_column, window_relations(periods)[source.span_relation],
                          from_month=source.span_from_month) if source.span_column else ""
    # A source's warehouse and carrier conditions (the logistics sources') go in with the
    # period bounds: the sources keep the three placeholders every source has.
    chosen = (source.warehouse if filters.warehouse_id is not None else "",
              source.carrier if filters.carrier else "")
    body = source.sql.format(channel=source.channel if filters.channel else "",
                             category=source.category if filters.category_id is not None else "",
                             span=" ".join(part for part in (span, *chosen) if part))
    keys = ", ".join(["period", *_dimensions(group_by)])
    head = f"WITH {period_tables(periods)}, src AS ({body})\n"
    # When every aggregate counts the same rows, the query keeps only those (a search-term
    # ranking need not group the page views).
    conditions = {m.condition for m in metrics}
    shared = conditions.pop() if len(conditions) == 1 else ""
    where = f" WHERE {shared}" if shared else ""
    per_entity = _per_entity([(m.code, m.unfiltered, "" if shared else m.condition) for m in metrics])
    if per_entity:
        entity, inner, outer = per_entity
        return (f"{head}, per_{entity} AS (SELECT {keys}, {entity}, {inner} FROM src{where} "
                f"GROUP BY {keys}, {entity})\n"
                f"SELECT {keys}, {outer} FROM per_{entity} GROUP BY {keys}")
    aggregates = ", ".join(f"{m.unfiltered if shared else m.expression} AS {m.code}" for m in metrics)
    return f"{head}SELECT {keys}, {aggregates} FROM src{where} GROUP BY {keys}"


_DISTINCT = re.compile(r"count\(DISTINCT (\w+)\)")
_SUM = re.compile(r"coalesce\(sum\((\w+)\), 0\)")


def _per_entity(parts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """Several distinct counts of one column (visitors who viewed, who added to cart, …) as
    one grouping by that column, then plain counts: ``(column, inner, outer)`` aggregates,
    or None when the metrics are not all distinct counts of one column, counts and sums.

    ``count(DISTINCT v) FILTER (WHERE c)`` becomes ``bool_or(c)`` per v, counted where true;
    ``count(*)`` and ``sum(x)`` are summed from per-v subtotals. The numbers are the same;
    DuckDB computes one hash table instead of one per distinct count."""
    distinct = {found.group(1) for _code, aggregate, _c in parts if (found := _DISTINCT.fullmatch(aggregate))}
    if len(distinct) != 1 or sum(bool(_DISTINCT.fullmatch(a)) for _code, a, _c in parts) < 2:
        return None
    entity = distinct.pop()
    inner, outer = [], []
    for code, aggregate, condition in parts:
        flag = f" FILTER (WHERE {condition})" if condition else ""
        if _DISTINCT.fullmatch(aggregate):
            inner.append(f"bool_or({condition or 'TRUE'}) AS part_{code}")
            outer.append(f"count(*) FILTER (WHERE part_{code} AND {entity} IS NOT NULL) AS {code}")
        elif aggregate == "count(*)":
            inner.append(f"count(*){flag} AS part_{code}")
            outer.append(f"coalesce(sum(part_{code}), 0) AS {code}")
        elif found := _SUM.fullmatch(aggregate):
            inner.append(f"sum({found.group(1)}){flag} AS part_{code}")
            outer.append(f"coalesce(sum(part_{code}), 0) AS {code}")
        else:
            return None
    return entity, ", ".join(inner), ", ".join(outer)


def _dimensions(group_by) -> list[str]:
    if not group_by:
        return []
    return [group_by] if isinstance(group_by, str) else list(group_by)


@dataclass(frozen=True)
class Query:
    """What ``compute`` computes: ``codes`` per period (and per ``group_by`` value)."""
    codes: tuple[str, ...]
    periods: tuple[Period, ...]
    filters: Filters = Filters()
    group_by: str | tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rows:
    """A plain statement for ``compute_many``: its rows as they come."""
    sql: str
    params: tuple = ()  # (name, value) pairs
    cached: bool = False  # a lookup without parameters: read once per warehouse version

    def statement(self) -> tuple[str, dict]:
        return self.sql, dict(self.params)


def query(codes, periods, filters: Filters | None = None,
          group_by: str | tuple[str, ...] | None = None) -> Query:
    return Query(tuple(codes), tuple(periods), filters or Filters(), group_by)


def compute(codes: list[str], periods: list[Period], filters: Filters | None = None,
            group_by: str | tuple[str, ...] | None = None) -> dict:
    """Values of ``codes`` per period label (and per ``group_by`` value when given):
    ``{label: {code: value}}`` or ``{label: {dimension_value: {code: value}}}``."""
    return compute_many([query(codes, periods, filters, group_by)])[0]


def compute_many(queries: list[Query | Rows]) -> list:
    """``compute`` of each query (the rows of each ``Rows``). The SQL of all of them runs at
    once (``reader.submit``), and each query's numbers are put together while later ones still
    run: a report waits for its slowest query, not for the sum of them."""
    plans = [_plan(q) if isinstance(q, Query) else {"sql": [] if q.cached else [(*q.statement(), None)]}
             for q in queries]
    pending = [[reader.submit(sql, params) for sql, params, _metrics in plan["sql"]] for plan in plans]
    return [_assemble(q, plan, [f.result() for f in futures]) if isinstance(q, Query)
            else reader.query_cached(q.sql) if q.cached else futures[0].result()
            for q, plan, futures in zip(queries, plans, pending, strict=True)]


def _plan(q: Query) -> dict:
    """One statement per source of the base metrics ``q`` needs, over its distinct periods."""
    by_source: dict[str, list[Metric]] = defaultdict(list)
    for metric in base_metrics(q.codes):
        by_source[metric.source].append(metric)
    # Periods with the same dates (a 30-day report's "recent 30 days") are computed once.
    first_label: dict[tuple, str] = {}
    for period in q.periods:
        first_label.setdefault((period.start, period.end), period.label)
    distinct = [p for p in q.periods if first_label[(p.start, p.end)] == p.label]
    # Sources answered by one rollup from the same rows share its query.
    groups: dict[int, tuple[Source, list[Metric]]] = {}
    for source_code, metrics in by_source.items():
        source = rollup_for(source_code, metrics, q.filters, q.group_by) or SOURCES[source_code]
        groups.setdefault(id(source), (source, []))[1].extend(metrics)
    statements = []
    for source, metrics in groups.values():
        sql = _statement(source, metrics, distinct, q.filters, q.group_by)
        # Only the filters this source applies (cohorts are the shop's: no channel, no category).
        params = {name: value for name, value in q.filters.params().items() if f"${name}" in sql}
        statements.append((sql, params, metrics))
    return {"sql": statements, "first_label": first_label}


def _assemble(q: Query, plan: dict, results: list[list[tuple]]) -> dict:
    raw: dict = defaultdict(dict)
    width = len(_dimensions(q.group_by))
    for (_sql, _params, metrics), rows in zip(plan["sql"], results, strict=True):
        names = [m.code for m in metrics]
        for row in rows:
            key = (row[1] if width == 1 else tuple(row[1:1 + width])) if width else None
            groups = raw[row[0]]
            if key in groups:  # another source's numbers of the same group
                groups[key].update(zip(names, row[1 + width:], strict=True))
            else:
                groups[key] = dict(zip(names, row[1 + width:], strict=True))
    finish = _finisher(q.codes)
    result: dict = {}
    for period in q.periods:
        label = plan["first_label"][(period.start, period.end)]
        if label in result:  # the same dates under another label: the same numbers
            result[period.label] = result[label]
            continue
        groups = raw.get(label, {})
        if q.group_by:
            result[period.label] = {key: finish(values) for key, values in groups.items()}
        else:
            result[period.label] = finish(dict(groups.get(None, {})))
    return result


def _finisher(codes):
    """A function from the base values of a period (or group) to ``codes``' values: derived
    metrics computed after what they derive from, a base metric without a row 0 (nothing
    happened)."""
    derived: list[Metric] = []

    def visit(code: str) -> None:
        metric = METRICS[code]
        if not metric.is_base and metric not in derived:
            visit(metric.numerator)
            visit(metric.denominator)
            derived.append(metric)

    for code in codes:
        visit(code)

    def finish(values: dict) -> dict:
        for m in derived:
            top, bottom = values.get(m.numerator, 0), values.get(m.denominator, 0)
            values[m.code] = ((top or 0) - (bottom or 0) if m.subtract
                              else ratio(top or 0, bottom, money=m.unit == "money"))
        return {code: values.get(code, 0) for code in codes}

    return finish


def explain(codes: list[str], periods: list[Period], filters: Filters | None = None,
            group_by: str | tuple[str, ...] | None = None) -> list[dict]:
    """What the "how is this computed" panel shows for each code: name, formula, notes and
    the SQL of the source query it comes from."""
    filters = filters or Filters()
    rows = []
    for code in codes:
        metric = METRICS[code]
        queries = []
        for base in base_metrics([code]):
            queries.append(source_sql(base.source, [base], periods, filters, group_by))
        rows.append({"code": code, "name": str(metric.name), "formula": metric.formula,
                     "notes": str(metric.notes), "unit": metric.unit, "sql": queries})
    return rows

