"""Write what the anomaly detection found: ``insights.Anomaly`` rows upserted on their unique
key (metric, grain, period, scope), one task per new anomaly, the operation log.

Running the detection again updates the rows (the numbers may have moved with late data)
and never opens a second task for an anomaly that already has one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.analytics.metrics import METRICS
from zhanggui.insights.dimension_labels import dimension_label
from zhanggui.insights.models import Anomaly
from zhanggui.insights.tasks_kinds import KPI_ANOMALY
from zhanggui.tasks.actions import open_task

LOGGED_FIELDS = ("metric", "grain", "period_start", "scope_key", "actual", "expected", "lower",
                 "upper", "direction", "score", "impact_amount", "dimension", "dimension_value",
                 "explained_share")


@dataclass
class Finding:
    """One anomaly as the detection computed it (before it is stored)."""

    metric: str
    grain: str
    period_start: datetime
    actual: Decimal
    expected: Decimal
    lower: Decimal
    upper: Decimal
    direction: str
    score: Decimal
    impact_amount: Decimal = Decimal("0.00")
    scope: dict = field(default_factory=dict)
    scope_key: str = ""
    dimension: str = ""
    dimension_value: str = ""
    dimension_label: str = ""
    explained_share: Decimal | None = None
    drilldown: list = field(default_factory=list)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in (
            "scope", "actual", "expected", "lower", "upper", "direction", "score",
            "impact_amount", "dimension", "dimension_value", "dimension_label",
            "explained_share", "drilldown")}


def record_anomalies(findings: list[Finding], *, actor: Staff | None = None) -> list[Anomaly]:
    """Store ``findings`` (insert or update on their key); open a task for each new one."""
    stored = []
    with transaction.atomic():
        for finding in findings:
            stored.append(_record(finding, actor))
    return stored


def _record(finding: Finding, actor: Staff | None) -> Anomaly:
    now = timezone.now()
    anomaly = (Anomaly.objects.select_for_update()
               .filter(metric=finding.metric, grain=finding.grain,
                       period_start=finding.period_start, scope_key=finding.scope_key).first())
    if anomaly is None:
        anomaly = Anomaly(metric=finding.metric, grain=finding.grain,
                          period_start=finding.period_start, scope_key=finding.scope_key,
                          detected_at=now, **finding.values())
        anomaly.save()
        log_operation(anomaly, action="insights.anomaly_detected", actor=actor,
                      after=snapshot(anomaly, LOGGED_FIELDS))
    else:
        before = snapshot(anomaly, LOGGED_FIELDS)
        for name, value in finding.values().items():
            setattr(anomaly, name, value)
        anomaly.save()
        anomaly.refresh_from_db()
        after = snapshot(anomaly, LOGGED_FIELDS)
        if after != before:
            log_operation(anomaly, action="insights.anomaly_updated", actor=actor,
                          before=before, after=after)
    if anomaly.task_id is None:
        anomaly.task = open_task(KPI_ANOMALY, subject=anomaly, title=task_title(anomaly),
                                 detail=task_detail(anomaly), actor=actor)
        anomaly.save(update_fields=["task", "updated_at"])
    return anomaly


def task_title(anomaly: Anomaly) -> str:
    metric = METRICS.get(anomaly.metric)
    name = str(metric.name) if metric else anomaly.metric
    when = timezone.localtime(anomaly.period_start)
    period = f"{when:%Y-%m-%d}" if anomaly.grain == "day" else f"{when:%Y-%m-%d %H:00}"
    direction = _g("above expected") if anomaly.direction == "up" else _g("below expected")
    scope = f" ({anomaly.scope_key})" if anomaly.scope_key else ""
    return _g("%(metric)s%(scope)s %(direction)s on %(period)s") % {
        "metric": name, "scope": scope, "direction": direction, "period": period}


def task_detail(anomaly: Anomaly) -> str:
    text = _g("Actual %(actual)s, expected %(expected)s (interval %(lower)s – %(upper)s); "
              "estimated impact ¥%(impact)s.") % {
        "actual": anomaly.actual.normalize(), "expected": anomaly.expected.normalize(),
        "lower": anomaly.lower.normalize(), "upper": anomaly.upper.normalize(),
        "impact": anomaly.impact_amount}
    if anomaly.dimension:
        text += " " + _g("Mostly explained by %(dimension)s = %(label)s.") % {
            "dimension": dimension_label(anomaly.dimension), "label": anomaly.dimension_label}
    return text
