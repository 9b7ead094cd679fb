"""A stored briefing as the console page and the e-mail show it: numbers formatted (rates in
percent on screen), each figure linked to its formula on the metric glossary
(``/metrics/#<code>``), the causes and the ranked actions with their links."""

from collections.abc import Callable
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metrics import METRICS
from zhanggui.insights.models import Briefing

COMPARISON_LABELS = {"previous_day": _("vs the day before"),
                     "last_week": _("vs the same weekday last week"),
                     "last_year": _("vs the same day last year")}


def glossary_url(code: str) -> str:
    try:
        return f"{reverse('admin:analytics_metric_glossary')}#{code}" if code else ""
    except NoReverseMatch:
        return ""


def figure(value: str | None, unit: str) -> str:
    """A stored figure (a Decimal string) as the screen shows it."""
    if value is None:
        return "—"
    number = Decimal(value)
    if unit == "money":
        return "¥" + number_format(number, decimal_pos=2, force_grouping=True)
    if unit == "rate":
        return number_format(number * 100, decimal_pos=2) + " %"
    if unit == "count":
        return number_format(number, decimal_pos=0, force_grouping=True)
    return number_format(number, decimal_pos=2, force_grouping=True)


def change_text(change: str | None, unit: str) -> tuple[str, str]:
    """(text, trend): a relative change in percent, or for a rate the change in points."""
    if change is None:
        return "—", "flat"
    number = Decimal(change) * 100
    trend = "up" if number > 0 else "down" if number < 0 else "flat"
    sign = "+" if number > 0 else ""
    suffix = " pp" if unit == "rate" else " %"
    return f"{sign}{number_format(number, decimal_pos=1)}{suffix}", trend


def kpi_rows(briefing: Briefing, link: Callable[[str], str]) -> list[dict]:
    rows = []
    for kpi in briefing.kpis:
        comparisons = []
        for key, label in COMPARISON_LABELS.items():
            compared = kpi.get(key) or {}
            text, trend = change_text(compared.get("change"), kpi["unit"])
            comparisons.append({"key": key, "label": label, "base": figure(compared.get("value"),
                                                                             kpi["unit"]),
                                "change": text, "trend": trend})
        rows.append({"code": kpi["code"], "name": kpi["name"], "formula": kpi["formula"],
                     "value": figure(kpi.get("value"), kpi["unit"]),
                     "url": link(glossary_url(kpi["code"])), "comparisons": comparisons})
    return rows


def _unit(code: str) -> str:
    metric = METRICS.get(code)
    return metric.unit if metric else "number"


def cause_rows(briefing: Briefing, link: Callable[[str], str]) -> list[dict]:
    """The causes with their figures in the KPI's unit (a rate in percent)."""
    rows = []
    for cause in briefing.causes:
        unit = _unit(cause.get("metric", ""))
        rows.append({**cause, **{key: figure(cause.get(key), unit)
                                 for key in ("actual", "expected", "lower", "upper")},
                     "impact": figure(cause.get("impact_amount"), "money"),
                     "url": link(cause.get("url") or ""),
                     "metric_url": link(glossary_url(cause.get("metric", "")))})
    return rows


def briefing_context(briefing: Briefing, *, absolute: Callable[[str], str] = str,
                     actions=None) -> dict:
    """What the page and the e-mail render; ``absolute`` makes links absolute (e-mail)."""
    def link(url: str) -> str:
        return absolute(url) if url else ""

    actions = list(briefing.actions.all()) if actions is None else actions
    return {"briefing": briefing, "kpis": kpi_rows(briefing, link),
            "causes": cause_rows(briefing, link),
            "actions": [{"rank": a.rank, "kind": a.kind, "title": a.title, "reason": a.reason,
                         "impact": figure(str(a.impact_amount), "money"),
                         "impact_formula": a.impact_formula, "url": link(a.url),
                         "metric": a.metric, "metric_url": link(glossary_url(a.metric))}
                        for a in actions]}
