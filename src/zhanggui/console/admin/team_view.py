"""How the console shows a target against its actual (the dashboard, the review page and the
workbench's "my numbers" share it): values in the KPI's unit, the scope by name, the bar's
width, the status label."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Category
from zhanggui.console.formatting import channel, money, percent
from zhanggui.team import rules
from zhanggui.team.kpis import KPIS
from zhanggui.team.models import KpiScope
from zhanggui.team.queries import TargetFigures

STATUS_LABELS = {rules.NO_DATA: _("no data yet"), rules.NOT_STARTED: _("not started"),
                 rules.ON_TRACK: _("on track"), rules.BEHIND: _("behind"), rules.MET: _("met"),
                 rules.MISSED: _("missed")}
PERIOD_LABELS = {"this_month": _("this month"), "last_month": _("last month"),
                 "this_quarter": _("this quarter")}


def value(amount: Decimal | None, unit: str) -> str:
    if amount is None:
        return "—"
    if unit == "money":
        return money(amount)
    if unit == "rate":
        return percent(amount, 1)
    if unit == "minutes":
        return _("%(value)s min") % {"value": f"{amount:.1f}"}
    return f"{amount:.1f}"


def scope_names(rows: list[TargetFigures]) -> dict[str, str]:
    """Category id → its name, for the category scopes among ``rows`` (one query)."""
    ids = {int(r.target.scope_value) for r in rows if r.target.scope_kind == KpiScope.CATEGORY}
    return {str(pk): name for pk, name in Category.objects.filter(pk__in=ids).values_list("id", "name")}


def scope_label(row: TargetFigures, names: dict[str, str]) -> str:
    t = row.target
    if t.scope_kind == KpiScope.CATEGORY:
        return names.get(t.scope_value, t.scope_value)
    if t.scope_kind == KpiScope.CHANNEL:
        return channel(t.scope_value)
    return str(_("whole shop"))


def present(row: TargetFigures, names: dict[str, str]) -> dict:
    t, unit = row.target, row.kpi.unit
    return {"id": t.pk, "kpi": t.kpi, "label": row.kpi.label, "formula": row.kpi.formula,
            "scope": scope_label(row, names),
            "period": f"{t.period_start:%Y-%m-%d} – {t.period_end:%Y-%m-%d}",
            "target": value(t.target_value, unit), "actual": value(row.actual, unit),
            "expected": value(row.expected, unit),
            "attainment": percent(row.attainment, 0) if row.attainment is not None else "—",
            "bar": row.bar_percent, "status": row.status, "status_label": STATUS_LABELS[row.status],
            "attention": row.needs_attention, "lower_is_better": row.kpi.lower_is_better}


def present_all(rows: list[TargetFigures]) -> list[dict]:
    names = scope_names(rows)
    return [present(row, names) for row in rows]


def _stored(item: dict, key: str) -> str:
    return value(Decimal(item[key]), item.get("unit", "")) if item.get(key) is not None else "—"


def present_snapshot(snapshot: list[dict]) -> list[dict]:
    """A final review's stored KPIs (``queries.TargetFigures.as_dict``) as the page shows them."""
    rows = []
    for item in snapshot:
        kpi = KPIS.get(item["kpi"])
        rows.append({"label": kpi.label if kpi else item["kpi"],
                     "scope": item["scope_value"] or _("whole shop"),
                     "period": f"{item['period_start']} – {item['period_end']}",
                     "target": _stored(item, "target"), "actual": _stored(item, "actual"),
                     "attainment": percent(Decimal(item["attainment"]), 0) if item.get("attainment") else "—",
                     "status_label": STATUS_LABELS.get(item["status"], item["status"])})
    return rows
