"""The workbench page's context: the to-dos of the staff member's roles, today's key
numbers and the latest alerts. ``console.navigation.dashboard`` (unfold's
``DASHBOARD_CALLBACK``) adds it to the admin index, which ``console/overrides/admin/index.html``
renders through ``console/workbench.html``."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from zhanggui.accounts import queries as account_queries
from zhanggui.console.formatting import money, percent
from zhanggui.console.workbench import (  # noqa: F401  (the providers register on import)
    numbers,
    providers,
    providers_campaigns,
    providers_dropship,
    providers_fulfillment,
    providers_purchasing,
    providers_replenishment,
    providers_service,
)
from zhanggui.console.workbench.briefing_panel import briefing_panel
from zhanggui.console.workbench.registry import (
    DANGER,
    Context,
    count_todos,
    primary_role,
    visible_todos,
)
from zhanggui.console.workbench.team_panel import team_panel

ALERTS_SHOWN = 5
ALERT_PERMISSION = "accounts.view_alert"


def _value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return money(value)
    if unit == "rate":
        return percent(value, 1)
    return number_format(value, force_grouping=True)


def change_text(figure: numbers.Figure) -> str:
    """The change as the reports show it: a percentage only on a base large enough, else
    新增 (new), — (nothing in either), or both numbers."""
    comparison = figure.comparison
    if comparison.kind == "rate":
        return f"{comparison.rate * 100:+.1f}%"
    if comparison.kind == "new":
        return pgettext("comparison", "new")
    if comparison.kind == "absolute":
        return f"{_value(comparison.base, figure.unit)} → {_value(comparison.current, figure.unit)}"
    return "—"


def _trend(figure: numbers.Figure) -> str:
    comparison = figure.comparison
    if comparison.kind != "rate" or not comparison.rate:
        return "flat"
    return "up" if comparison.rate > 0 else "down"


def _figures(user, now) -> list[dict]:
    codes = numbers.visible_codes(user)
    if not codes:
        return []
    return [{"code": figure.code, "name": figure.name, "formula": figure.formula,
             "note": figure.note, "today": _value(figure.today, figure.unit),
             "yesterday": _value(figure.yesterday, figure.unit),
             "change": change_text(figure), "kind": figure.comparison.kind,
             "trend": _trend(figure)}
            for figure in numbers.key_numbers(now, codes)]


def _alerts(user) -> dict | None:
    if not user.has_perm(ALERT_PERMISSION):
        return None
    return {"items": account_queries.latest_alerts(ALERTS_SHOWN),
            "url": reverse("admin:accounts_alert_changelist")}


def workbench_context(request, *, now=None) -> dict:
    """Everything ``console/workbench.html`` shows to ``request.user``."""
    user = request.user
    now = now or timezone.now()
    role = primary_role(user, account_queries.staff_roles(user))
    counted = count_todos(visible_todos(user, role), Context(user, now))
    # Whatever the role, what is past a deadline comes first (a stable sort keeps the order).
    counted.sort(key=lambda item: item.severity != DANGER)
    local = timezone.localtime(now)
    return {
        "title": _("Workbench"),
        "workbench": {
            "role": role,
            "todos": [item for item in counted if item.count],
            "done": [item for item in counted if not item.count],
            "has_todos": bool(counted),
            "figures": _figures(user, now),
            "cut_off": local.strftime("%H:%M"),
            "alerts": _alerts(user),
            "briefing": briefing_panel(user, role),
            "my_numbers": team_panel(user),
        },
    }
