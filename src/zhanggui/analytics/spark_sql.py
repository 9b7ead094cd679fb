"""The metric registry's DuckDB SQL as Spark SQL: ``sqlglot`` (read="duckdb", write="spark")
plus the fix-ups where its output would run but mean something else on Spark.

Each fix-up is tested against DuckDB itself (``tests/analytics/test_spark_sql.py`` runs both
sides on the same values):

- ``date_trunc`` returns a session-zone timestamp on Spark; the warehouse's times are plain
  local ones (``TIMESTAMP``, Spark's ``TIMESTAMP_NTZ``): cast back, so a truncated time reads
  back as the same wall-clock time.
- ``date_diff(unit, a, b)`` counts unit *boundaries* on DuckDB (Jan 31 → Feb 1 is one month);
  Spark's ``DATEDIFF(unit, …)`` counts whole units elapsed (0): compared after truncating both.
- ``/`` is a DOUBLE on DuckDB whatever the operands (decimal / decimal too); Spark keeps a
  decimal: both sides cast to DOUBLE. ``avg`` likewise (DuckDB's average of decimals is a
  DOUBLE, Spark's a DECIMAL(…, 6)).
- ``isodow`` (Monday 1 … Sunday 7) and ``dayofweek`` / ``date_part('dow')`` (Sunday 0 …):
  sqlglot's translation is off by one day or one number; written with Spark's ``WEEKDAY``.
- ``epoch(ts)``: seconds of the plain timestamp read as UTC (Spark's ``UNIX_TIMESTAMP`` reads
  it in the session's zone and drops the fraction).
- ``quantile_cont`` / ``median`` → ``percentile`` (exact, interpolated); ``quantile_disc`` → the
  element at ceil(n × p) of the sorted values (Spark's ``percentile_disc`` is a DOUBLE).
- ``date_diff('week', …)``: whole weeks of the days between the dates, as DuckDB counts them.
- A cast to an integer type of a fraction (a division, an average, a decimal literal) rounds
  on DuckDB and truncates on Spark: rounded first.
- ``CAST(unnest(…) AS t)`` → the list's elements cast, then exploded (Spark allows a generator
  only at the top of a select expression); a ``TIME '…'`` literal stays a TIME (``TO_TIME``).
- Named parameters ``$name`` become ``:name`` (``spark.sql(sql, args=…)``); ``FILTER (WHERE
  …)``, ``GROUP BY ALL``, named windows and recursive CTEs are Spark SQL as they are.

Translations are cached per SQL text.
"""

from functools import lru_cache

import sqlglot
from sqlglot import exp

NTZ = exp.DataType.build("TIMESTAMP_NTZ", dialect="spark")
DOUBLE = exp.DataType.build("DOUBLE")
INTEGERS = {exp.DataType.Type.TINYINT, exp.DataType.Type.SMALLINT, exp.DataType.Type.INT,
            exp.DataType.Type.BIGINT}
EPOCH = "TIMESTAMP_NTZ '1970-01-01 00:00:00'"


class UntranslatableSQL(ValueError):
    """SQL the Spark engine cannot run with the same meaning."""


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The Spark SQL of one DuckDB statement of the registry."""
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise UntranslatableSQL(str(error)) from error
    if len(statements) != 1 or statements[0] is None:
        raise UntranslatableSQL("one statement expected")
    tree = statements[0]
    for fix in FIXES:
        tree = fix(tree)
    return tree.sql(dialect="spark")


def _replace_all(tree: exp.Expression, kind, build) -> exp.Expression:
    """Replace every node of ``kind`` (innermost first) with ``build(node)``."""
    for node in reversed(list(tree.find_all(kind))):
        replacement = build(node)
        if node is tree:
            tree = replacement
        else:
            node.replace(replacement)
    return tree


def _double(node: exp.Expression) -> exp.Cast:
    return exp.Cast(this=node, to=DOUBLE.copy())


def _ntz(node: exp.Expression) -> exp.Cast:
    return exp.Cast(this=node, to=NTZ.copy())


def _fix_division(tree: exp.Expression) -> exp.Expression:
    def build(node: exp.Div) -> exp.Expression:
        return exp.Div(this=_double(node.this), expression=_double(node.expression))
    return _replace_all(tree, exp.Div, build)


def _fix_avg(tree: exp.Expression) -> exp.Expression:
    def build(node: exp.Avg) -> exp.Expression:
        inner = node.this
        if isinstance(inner, exp.Distinct):
            return exp.Avg(this=exp.Distinct(expressions=[_double(e) for e in inner.expressions]))
        return exp.Avg(this=_double(inner))
    return _replace_all(tree, exp.Avg, build)


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    if unit is None:
        raise UntranslatableSQL(f"no unit in {node.sql('duckdb')}")
    name = unit.name if isinstance(unit, exp.Literal | exp.Var) else unit.sql()
    return name.strip("'").upper()


def _trunc(unit: str, value: exp.Expression) -> exp.Expression:
    """A plain (zone-less) timestamp truncated to ``unit``."""
    return _ntz(exp.TimestampTrunc(this=value, unit=exp.Var(this=unit)))


def _fix_trunc(tree: exp.Expression) -> exp.Expression:
    return _replace_all(tree, (exp.TimestampTrunc, exp.DateTrunc),
                        lambda node: _trunc(_unit(node), node.this))


def _fix_date_diff(tree: exp.Expression) -> exp.Expression:
    def build(node: exp.DateDiff) -> exp.Expression:
        unit = _unit(node)
        if unit == "WEEK":  # DuckDB: whole weeks of the days between the dates
            days = exp.Anonymous(this="DATEDIFF", expressions=[
                exp.Cast(this=node.this, to=exp.DataType.build("DATE")),
                exp.Cast(this=node.expression, to=exp.DataType.build("DATE"))])
            return exp.Paren(this=exp.IntDiv(this=days, expression=exp.Literal.number(7)))
        return exp.DateDiff(this=_trunc(unit, node.this), expression=_trunc(unit, node.expression),
                            unit=exp.Var(this=unit))
    return _replace_all(tree, exp.DateDiff, build)


def _weekday(value: exp.Expression, offset: int) -> exp.Expression:
    """Spark's WEEKDAY (Monday 0 … Sunday 6) plus ``offset``, modulo 7 when it wraps."""
    day = exp.Anonymous(this="WEEKDAY", expressions=[value])
    if offset == 1:  # ISO: Monday 1 … Sunday 7
        return exp.Paren(this=exp.Add(this=day, expression=exp.Literal.number(1)))
    # Sunday 0 … Saturday 6
    return exp.Paren(this=exp.Mod(this=exp.Paren(this=exp.Add(this=day, expression=exp.Literal.number(1))),
                                  expression=exp.Literal.number(7)))


def _fix_weekdays(tree: exp.Expression) -> exp.Expression:
    tree = _replace_all(tree, exp.DayOfWeekIso, lambda node: _weekday(node.this, 1))
    tree = _replace_all(tree, exp.DayOfWeek, lambda node: _weekday(node.this, 0))

    def date_part(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("date_part", "datepart") \
                and len(node.expressions) == 2 and isinstance(node.expressions[0], exp.Literal):
            part, value = node.expressions[0].name.lower(), node.expressions[1]
        elif isinstance(node, exp.Extract) and isinstance(node.this, exp.Var | exp.Literal):
            part, value = node.this.name.lower(), node.expression
        else:
            return node
        if part in ("dow", "dayofweek", "weekday"):
            return _weekday(value, 0)
        if part in ("isodow",):
            return _weekday(value, 1)
        if part in ("epoch",):
            return _epoch(value)
        return node
    return _replace_all(tree, (exp.Anonymous, exp.Extract), date_part)


def _epoch(value: exp.Expression) -> exp.Expression:
    micros = sqlglot.parse_one(f"TIMESTAMPDIFF(MICROSECOND, {EPOCH}, CAST(x AS TIMESTAMP_NTZ))",
                               read="spark")
    micros.find(exp.Column).replace(value.copy())
    return exp.Paren(this=exp.Div(this=_double(micros), expression=exp.Literal.number("1000000.0")))


def _fix_epoch(tree: exp.Expression) -> exp.Expression:
    return _replace_all(tree, exp.TimeToUnix, lambda node: _epoch(node.this))


def _fix_quantiles(tree: exp.Expression) -> exp.Expression:
    tree = _replace_all(tree, exp.Median, lambda node: exp.Anonymous(
        this="PERCENTILE", expressions=[node.this, exp.Literal.number("0.5")]))
    tree = _replace_all(tree, exp.PercentileCont, lambda node: exp.Anonymous(
        this="PERCENTILE", expressions=[node.this, node.expression]))

    def disc(node: exp.PercentileDisc) -> exp.Expression:
        """DuckDB's discrete quantile: the value at (1-based) index ceil(n × p) of the sorted
        values, of the values' own type (Spark's percentile_disc is a DOUBLE)."""
        if isinstance(node.parent, exp.WithinGroup):
            return node
        share = node.expression.sql("spark")
        return sqlglot.parse_one(
            f"ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(x)), CAST(GREATEST(CEIL(COUNT(x) * ({share})), 1) AS INT))",
            read="spark").transform(
                lambda n: node.this.copy() if isinstance(n, exp.Column) and n.name == "x" else n)
    return _replace_all(tree, exp.PercentileDisc, disc)


FRACTIONS = (exp.Div, exp.Avg)


def _is_fraction(node: exp.Expression) -> bool:
    if isinstance(node, exp.Literal) and not node.is_string:
        return "." in node.name
    if isinstance(node, exp.Paren):
        return _is_fraction(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT,
                                exp.DataType.Type.DECIMAL) and not _is_integer_round(node.this)
    if isinstance(node, FRACTIONS):
        return True
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        return _is_fraction(node.this) or _is_fraction(node.expression)
    return False


def _is_integer_round(node: exp.Expression) -> bool:
    return isinstance(node, exp.Round) and node.args.get("decimals") is None


def _fix_integer_casts(tree: exp.Expression) -> exp.Expression:
    def build(node: exp.Cast) -> exp.Expression:
        if node.to.this in INTEGERS and _is_fraction(node.this):
            return exp.Cast(this=exp.Round(this=node.this), to=node.to)
        return node
    return _replace_all(tree, exp.Cast, build)


def _interval(days=None, hours=None, minutes=None, seconds=None) -> exp.Expression:
    zero = exp.Literal.number(0)
    parts = [days, hours, minutes, seconds]
    while parts and parts[-1] is None:
        parts.pop()
    return exp.Anonymous(this="MAKE_DT_INTERVAL",
                         expressions=[p if p is not None else zero.copy() for p in parts])


INTERVALS = {"to_days": 0, "to_hours": 1, "to_minutes": 2, "to_seconds": 3}


def _fix_intervals(tree: exp.Expression) -> exp.Expression:
    """DuckDB's ``to_days(n)`` … ``to_seconds(n)``: Spark's ``MAKE_DT_INTERVAL``."""
    tree = _replace_all(tree, exp.ToDays, lambda node: _interval(days=node.this))

    def build(node: exp.Anonymous) -> exp.Expression:
        index = INTERVALS.get(node.name.lower())
        if index is None or len(node.expressions) != 1:
            return node
        parts = [None] * 4
        parts[index] = node.expressions[0]
        return _interval(*parts)
    return _replace_all(tree, exp.Anonymous, build)


def _fix_generators(tree: exp.Expression) -> exp.Expression:
    """``CAST(unnest(list) AS t)``: Spark allows a generator only at the top of a select
    expression, so the list's elements are cast instead (``TRANSFORM``)."""
    def build(node: exp.Cast) -> exp.Expression:
        if not isinstance(node.this, exp.Explode):
            return node
        each = sqlglot.parse_one(f"TRANSFORM(s, x -> CAST(x AS {node.to.sql('spark')}))", read="spark")
        each.set("this", node.this.this)
        return exp.Explode(this=each)
    return _replace_all(tree, exp.Cast, build)


def _fix_times(tree: exp.Expression) -> exp.Expression:
    """A TIME literal (the service policies' default working hours): sqlglot writes a
    TIMESTAMP for Spark; Spark 4.1+ has TIME (``spark.sql.timeType.enabled``)."""
    def build(node: exp.Cast) -> exp.Expression:
        literal = isinstance(node.this, exp.Literal) and node.this.is_string
        if node.to.this == exp.DataType.Type.TIME and literal:
            return exp.Anonymous(this="TO_TIME", expressions=[node.this])
        return node
    return _replace_all(tree, exp.Cast, build)


@lru_cache(maxsize=4096)
def tables_of(sql: str) -> frozenset[str]:
    """The tables (and views) a DuckDB statement reads, its own CTEs left out."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return frozenset(t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes)


# In order: the division and average casts come before the others add their own.
FIXES = [_fix_integer_casts, _fix_division, _fix_avg, _fix_trunc, _fix_date_diff, _fix_weekdays,
         _fix_epoch, _fix_quantiles, _fix_intervals, _fix_generators, _fix_times]
