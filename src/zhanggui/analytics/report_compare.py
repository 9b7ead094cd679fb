"""Whether two engines gave a report the same numbers: the same report's ``as_dict()``
computed on DuckDB and on Spark (``tests/analytics/test_spark.py``,
``benchmarks/analytics_spark.py``)."""

import json
import math


def differences(expected, actual, path: str = "", found: list | None = None) -> list[str]:
    """Where two reports' ``as_dict()`` differ (floats within 1e-9, everything else equal)."""
    found = [] if found is None else found
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() | actual.keys():
            differences(expected.get(key), actual.get(key), f"{path}.{key}", found)
    elif isinstance(expected, list | tuple) and isinstance(actual, list | tuple) \
            and len(expected) == len(actual):
        for n, (a, b) in enumerate(zip(expected, actual, strict=True)):
            differences(a, b, f"{path}[{n}]", found)
    elif isinstance(expected, float) and isinstance(actual, float):
        if not (math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)
                or (math.isnan(expected) and math.isnan(actual))):
            found.append(f"{path}: {expected!r} != {actual!r}")
    elif type(expected) is not type(actual) or expected != actual:
        found.append(f"{path}: {expected!r} ({type(expected).__name__}) != "
                     f"{actual!r} ({type(actual).__name__})")
    return found


def canonical(report: dict) -> dict:
    """``report`` with rows that tie in a table's order (and a chart's points) sorted: the
    engines hand back a query's rows in no given order, and the report sorts only by its
    figures."""
    report = dict(report)
    report["tables"] = [{**t, "rows": sorted(t["rows"], key=_key)} for t in report["tables"]]
    charts = []
    for chart in report["charts"]:
        series = chart.get("series", [])
        parallel = all(len(s["data"]) == len(chart.get("x", ())) for s in series)
        if "x" in chart and chart.get("type") == "bar" and parallel:
            points = sorted(zip(chart["x"], *[s["data"] for s in series], strict=True), key=_key)
            chart = {**chart, "x": [p[0] for p in points],
                     "series": [{**s, "data": [p[n + 1] for p in points]} for n, s in enumerate(series)]}
        else:
            chart = {**chart, "series": [{**s, "data": sorted(s["data"], key=_key)} for s in series]}
        charts.append(chart)
    report["charts"] = charts
    return report


def _key(value) -> str:
    def plain(v):
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v
    return json.dumps(plain(value), sort_keys=True, default=str, ensure_ascii=False)
