"""The owner's workbench shows today's briefing (the briefing of yesterday, built this
morning): its top actions with their impact and links, and a link to the whole briefing.
Two queries (the briefing, its actions), only for the owner's workbench."""

from django.urls import reverse

from zhanggui.insights.briefing import report_day
from zhanggui.insights.briefing_view import figure
from zhanggui.insights.models import Briefing

VIEW = "insights.view_briefing"
SHOWN = 3


def briefing_panel(user, role: str) -> dict | None:
    """None unless ``user`` is on the owner's workbench and may see briefings."""
    if role != "owner" or not user.has_perm(VIEW):
        return None
    day = report_day()
    briefing = Briefing.objects.filter(day=day).prefetch_related("actions").first()
    page = (reverse("admin:insights_briefing_day", args=[day.isoformat()]) if briefing
            else reverse("admin:insights_briefing_latest"))
    actions = list(briefing.actions.all())[:SHOWN] if briefing else []
    return {"day": day, "exists": briefing is not None, "url": page,
            "actions": [{"rank": a.rank, "title": a.title, "url": a.url, "kind": a.kind,
                         "impact": figure(str(a.impact_amount), "money"),
                         "formula": a.impact_formula} for a in actions],
            "more": max(len(briefing.actions.all()) - SHOWN, 0) if briefing else 0}
