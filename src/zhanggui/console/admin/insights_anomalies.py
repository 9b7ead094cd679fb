"""Console pages of the KPI anomalies (异常检测, ``/insights/anomaly/``):

- the list: metric (and scope), day or hour, actual against expected with its interval,
  direction, robust z-score, estimated impact in yuan and what explains it;
- an anomaly: the same figures, how the impact is estimated, its task, and the drill-down
  tables (the explaining dimension first: each value's actual, expected, deviation and
  share of the KPI's deviation).

Read-only: the anomaly detection (``insights.anomaly_run``) writes them."""

from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from zhanggui.analytics.metrics import METRICS
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin
from zhanggui.insights.anomaly_impact import FORMULAS
from zhanggui.insights.dimension_labels import dimension_label
from zhanggui.insights.models import Anomaly

HUNDRED = Decimal(100)


def metric_name(code: str) -> str:
    metric = METRICS.get(code)
    return str(metric.name) if metric else code


def is_rate(code: str) -> bool:
    metric = METRICS.get(code)
    return bool(metric and metric.unit == "rate")


def figure(code: str, value) -> str:
    """A KPI's value as the console shows it: a rate in percent, money and counts plain."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if is_rate(code):
        return f"{value * HUNDRED:.1f} %"
    return f"{value:,.2f}" if METRICS.get(code) and METRICS[code].unit == "money" else f"{value:,.0f}"


def period_text(anomaly: Anomaly) -> str:
    when = timezone.localtime(anomaly.period_start)
    return f"{when:%Y-%m-%d}" if anomaly.grain == "day" else f"{when:%Y-%m-%d %H:00}"


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = "console/insights/anomalies/anomaly_after.html"
    list_display = ("metric_display", "period_display", "grain", "figures_display",
                    "direction_display", "score", "impact_amount", "explained_display")
    list_filter = ("grain", "metric", "direction", "dimension")
    list_select_related = ("task",)
    ordering = ("-period_start", "-impact_amount", "id")
    date_hierarchy = "period_start"
    fieldsets = (
        (_("Anomaly"), {"fields": (("metric_display", "grain", "period_display"),
                                   ("figures_display", "direction_display", "score"),
                                   ("impact_amount", "formula_display"),
                                   ("explained_display", "task_display"), "detected_at")}),
    )

    @display(description=_("metric"), ordering="metric")
    def metric_display(self, anomaly: Anomaly) -> str:
        scope = f" · {anomaly.scope_key}" if anomaly.scope_key else ""
        return f"{metric_name(anomaly.metric)}{scope}"

    @display(description=_("period"), ordering="period_start")
    def period_display(self, anomaly: Anomaly) -> str:
        return period_text(anomaly)

    @display(description=_("actual vs expected (interval)"))
    def figures_display(self, anomaly: Anomaly) -> str:
        code = anomaly.metric
        return format_html("<strong>{}</strong> · {} ({} – {})", figure(code, anomaly.actual),
                           figure(code, anomaly.expected), figure(code, anomaly.lower),
                           figure(code, anomaly.upper))

    @display(description=_("direction"), ordering="direction")
    def direction_display(self, anomaly: Anomaly) -> str:
        return badge("failed" if anomaly.impact_amount > 0 else "requested",
                     anomaly.get_direction_display())

    @display(description=_("explained by"))
    def explained_display(self, anomaly: Anomaly) -> str:
        if not anomaly.dimension:
            return "—"
        share = (f" ({anomaly.explained_share * HUNDRED:.0f} %)"
                 if anomaly.explained_share is not None else "")
        return f"{dimension_label(anomaly.dimension)} = {anomaly.dimension_label}{share}"

    @display(description=_("how the impact is estimated"))
    def formula_display(self, anomaly: Anomaly) -> str:
        return str(FORMULAS.get(anomaly.metric, "—"))

    @display(description=_("task"))
    def task_display(self, anomaly: Anomaly) -> str:
        if anomaly.task is None:
            return "—"
        url = reverse("admin:tasks_task_change", args=[quote(anomaly.task.pk)])
        return format_html('<a class="text-primary-600 underline" href="{}">{}</a> · {}', url,
                           anomaly.task.title, anomaly.task.get_status_display())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        anomaly = self.get_object(request, object_id)
        if anomaly is not None and self.has_view_permission(request, anomaly):
            extra_context = {**(extra_context or {}), "drilldown": _tables(anomaly)}
        return super().change_view(request, object_id, form_url, extra_context)


def _tables(anomaly: Anomaly) -> list[dict]:
    """The drill-down tables with their values formatted (deviations in the KPI's unit)."""
    code = anomaly.metric
    tables = []
    for table in anomaly.drilldown or []:
        share = table.get("share")
        tables.append({
            "dimension": dimension_label(table.get("dimension", "")),
            "chosen": table.get("dimension") == anomaly.dimension,
            "share": f"{Decimal(share) * HUNDRED:.0f} %" if share is not None else "—",
            "rows": [{"label": row.get("label") or row.get("value"),
                      "actual": figure(code, row.get("actual")),
                      "expected": figure(code, row.get("expected")),
                      "deviation": figure(code, row.get("deviation")),
                      "share": (f"{Decimal(row['share']) * HUNDRED:.0f} %"
                                if row.get("share") is not None else "—")}
                     for row in table.get("rows", [])]})
    return tables
