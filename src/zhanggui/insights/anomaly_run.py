"""Detect the KPI anomalies of a day (and of its hours) and store them.

``detect_anomalies(day=…)`` is what the daily briefing calls: it scores the day's daily KPIs
and each complete hour of the day against their seasonal baselines (``anomalies``), explains
each anomaly by the dimension that carries it (``drilldown``), sizes it in yuan
(``anomaly_impact``) and stores it (``actions_anomalies``: idempotent, one task per
anomaly). ``detect_last_hour`` is the hourly beat's: the last complete hour only.
"""

import warnings
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone

from zhanggui.accounts.models import Staff
from zhanggui.insights import anomaly_impact, drilldown, kpi_series
from zhanggui.insights.actions_anomalies import Finding, record_anomalies
from zhanggui.insights.anomalies import DetectorSettings, SeasonalMadDetector
from zhanggui.insights.models import Anomaly

ALL_DAY = (0, 24)


def detector_settings(kpi: kpi_series.Kpi) -> DetectorSettings:
    config = settings.ZHANGGUI_ANOMALIES
    minimum = float(config["MIN_VOLUME"].get(kpi.volume, 0))
    return DetectorSettings(weeks=config["WEEKS"], k=config["K"], min_history=config["MIN_HISTORY"],
                            min_denominator=minimum if kpi.is_rate else 0.0,
                            min_expected=0.0 if kpi.is_rate else minimum,
                            relative_floor=config["RELATIVE_FLOOR"], noise_floor=kpi.noise,
                            absolute_floor=config["RATE_FLOOR"] if kpi.is_rate else config["COUNT_FLOOR"])


def detect_anomalies(*, day: date, actor: Staff | None = None) -> list[Anomaly]:
    """The anomalies of ``day``'s daily KPIs and of its complete hours, stored (re-running
    updates them and opens no second task). Ordered by impact, largest first."""
    hours = _complete_hours(day)
    findings = find(day, "day", ALL_DAY) if hours == ALL_DAY else []
    if hours[1] > hours[0]:
        findings += find(day, "hour", hours)
    stored = record_anomalies(findings, actor=actor)
    return sorted(stored, key=lambda a: (-a.impact_amount, a.grain, a.metric, a.period_start))


def detect_last_hour(*, now: datetime | None = None, actor: Staff | None = None) -> list[Anomaly]:
    """The anomalies of the last complete hour (the hourly beat)."""
    last = timezone.localtime(now) - timedelta(hours=1)
    return record_anomalies(find(last.date(), "hour", (last.hour, last.hour + 1)), actor=actor)


def _complete_hours(day: date) -> tuple[int, int]:
    now = timezone.localtime()
    if day < now.date():
        return ALL_DAY
    return (0, now.hour) if day == now.date() else (0, 0)


def find(day: date, grain: str, hours: tuple[int, int]) -> list[Finding]:
    """Score every KPI of ``day`` (its ``hours``) and explain and size what is flagged."""
    weeks = settings.ZHANGGUI_ANOMALIES["WEEKS"]
    days = kpi_series.weekday_days(day, weeks)
    data = kpi_series.series(day, grain, weeks, hours)
    targets = kpi_series.all_periods(grain, [day], hours)
    contexts = _contexts(data, targets, grain, days, hours)
    findings = []
    for kpi in kpi_series.KPIS:
        for scope_key, rows in data[kpi.code].groupby("scope_key", sort=True):
            scored = _score(kpi, rows, targets)
            for row in scored[scored["flag"]].itertuples():
                scope_value = rows["scope_value"].iloc[0]
                findings.append(_finding(kpi, grain, row, rows, scope_key, scope_value, days,
                                         hours, contexts[row.period]))
    _remove_overlaps(findings)
    return findings


def _score(kpi: kpi_series.Kpi, rows: pd.DataFrame, targets: pd.DatetimeIndex) -> pd.DataFrame:
    frame = rows[["period", "value", "denominator"]]
    history = frame[~frame["period"].isin(targets)]
    query = frame[frame["period"].isin(targets)]
    if history.empty or query.empty:
        return pd.DataFrame({"flag": pd.Series([], dtype=bool)})
    return SeasonalMadDetector(detector_settings(kpi)).fit(history).predict(query)


def _expected(rows: pd.DataFrame, column: str, targets: pd.DatetimeIndex) -> pd.Series:
    """The seasonal median of ``column`` at each target period."""
    frame = pd.DataFrame({"period": rows["period"], "value": rows[column]})
    history = frame[~frame["period"].isin(targets)]
    if history.empty:
        return pd.Series(0.0, index=targets)
    matrix = SeasonalMadDetector(weeks=settings.ZHANGGUI_ANOMALIES["WEEKS"]).fit(history) \
        .baseline_matrix(targets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no history at all: 0
        medians = np.nan_to_num(np.nanmedian(matrix, axis=1))
    return pd.Series(medians, index=targets)


def _contexts(data: dict, targets: pd.DatetimeIndex, grain: str, days: list[date],
              hours: tuple[int, int]) -> dict:
    gmv = _expected(data["gmv"], "value", targets)
    orders = _expected(data["orders_paid"], "value", targets)
    conversion = data["payment_conversion_rate"]
    buyers = _expected(conversion, "numerator", targets)
    visitors = _expected(conversion, "denominator", targets)
    unrecovered = kpi_series.unrecovered_share(grain, days, hours)
    return {period: anomaly_impact.PeriodContext(
        aov=_ratio(gmv[period], orders[period]), spend_per_buyer=_ratio(gmv[period], buyers[period]),
        conversion=_ratio(buyers[period], visitors[period]),
        unrecovered=unrecovered.get(period, 1.0)) for period in targets}


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def _decimal(value: float, places: int = 4, limit: float = 1e11) -> Decimal:
    value = float(np.clip(np.nan_to_num(value), -limit, limit))
    return Decimal(str(round(value, places)))


def _finding(kpi, grain, row, rows, scope_key, scope_value, days, hours, context) -> Finding:
    period = pd.Timestamp(row.period)
    denominator = float(rows.loc[rows["period"] == period, "denominator"].fillna(0).iloc[0])
    scope = {kpi.scope: scope_value} if kpi.scope else {}
    finding = Finding(
        metric=kpi.code, grain=grain, period_start=timezone.make_aware(period.to_pydatetime()),
        actual=_decimal(row.actual), expected=_decimal(row.expected), lower=_decimal(row.lower),
        upper=_decimal(row.upper), direction=row.direction, score=_decimal(row.score, 3, 9.9e5),
        scope=scope, scope_key=scope_key,
        impact_amount=anomaly_impact.impact(kpi.code, actual=row.actual, expected=row.expected,
                                            denominator=denominator, context=context))
    split_hours = hours if grain == "day" else (period.hour, period.hour + 1)
    tables = drilldown.split_tables(kpi, grain, days, split_hours,
                                    scope=(kpi.scope, scope_value) if kpi.scope else None)
    explanation = drilldown.explain(
        tables, period, deviation=float(row.actual - row.expected), is_rate=kpi.is_rate,
        kpi_denominator=denominator, scales=drilldown.line_scale(kpi, tables, period, row.actual))
    finding.dimension, finding.dimension_value = explanation.dimension, explanation.value
    finding.dimension_label = explanation.label[:120]
    finding.explained_share = (None if explanation.share is None
                               else _decimal(explanation.share))
    finding.drilldown = explanation.tables
    return finding


def _remove_overlaps(findings: list[Finding]) -> None:
    """A GMV or orders shortfall less what the same period's payment failures explain."""
    failures = {(f.grain, f.period_start): f.impact_amount for f in findings
                if f.metric == "payment_failure_rate"}
    for finding in findings:
        explained = failures.get((finding.grain, finding.period_start))
        if explained and finding.metric in anomaly_impact.OVERLAPS_PAYMENT_FAILURES:
            finding.impact_amount = max(finding.impact_amount - explained, Decimal("0.00"))
