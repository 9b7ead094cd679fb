"""Console pages of the daily briefing (运营日报) and the metric glossary:

- the briefing of a day (``/insights/daily-briefing/<day>/``; the latest at
  ``/insights/daily-briefing/``): KPI table with changes, each figure linking to its formula,
  the likely causes with their explaining dimension and drill-down link, and the ranked
  actions (rank, title, impact in yuan, how estimated, a button to the page that does it);
- the past briefings (``/insights/daily-briefing/history/``);
- "rebuild" (POST, ``insights.add_briefing``): build a day's briefing again now;
- the metric glossary (``/metrics/``): every metric of the registry with its name, formula
  and unit, anchored ``#<code>`` (``analytics.view_reports``).

Added to the admin site's URLs (``zhanggui.urls``) so they keep the console's chrome. Thin:
authorise, call one query or action, render."""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhanggui.analytics.metrics import METRICS
from zhanggui.insights.briefing import build_briefing, report_day
from zhanggui.insights.briefing_view import briefing_context
from zhanggui.insights.models import Briefing

VIEW = "insights.view_briefing"
REBUILD = "insights.add_briefing"
GLOSSARY = "analytics.view_reports"
HISTORY_SHOWN = 90
UNITS = {"money": _("yuan"), "count": _("count"), "rate": _("rate (percent on screen)"),
         "number": _("number")}


def briefing_urls(site: admin.AdminSite) -> list:
    """The pages, to put in front of the admin site's own URLs (``zhanggui.urls``)."""
    def view(function):
        return site.admin_view(lambda request, *args, **kw: function(request, site, *args, **kw))

    rebuild = site.admin_view(require_POST(lambda request: rebuild_view(request)))
    return [path("insights/daily-briefing/", view(briefing_view), name="insights_briefing_latest"),
            path("insights/daily-briefing/history/", view(history_view),
                 name="insights_briefing_list"),
            path("insights/daily-briefing/rebuild/", rebuild, name="insights_briefing_rebuild"),
            path("insights/daily-briefing/<str:day>/", view(briefing_view),
                 name="insights_briefing_day"),
            path("metrics/", view(glossary_view), name="analytics_metric_glossary")]


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


def briefing_view(request: HttpRequest, site: admin.AdminSite, day: str | None = None) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    wanted = _day(day)
    briefings = Briefing.objects.filter(day=wanted) if wanted else Briefing.objects.order_by("-day")
    briefing = briefings.prefetch_related("actions").first()
    if briefing is None and wanted is not None:
        raise Http404
    context = briefing_context(briefing) if briefing else {"briefing": None}
    return TemplateResponse(request, "console/insights/briefing/briefing.html", {
        **site.each_context(request), **context,
        "title": _("Daily briefing %(day)s") % {"day": briefing.day} if briefing
        else _("Daily briefing"),
        "can_rebuild": request.user.has_perm(REBUILD), "report_day": report_day(),
        "history_url": reverse("admin:insights_briefing_list"),
    })


def history_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    briefings = list(Briefing.objects.order_by("-day").prefetch_related("actions")[:HISTORY_SHOWN])
    rows = [{"briefing": b, "url": reverse("admin:insights_briefing_day", args=[b.day.isoformat()]),
             "actions": len(b.actions.all()), "top": next(iter(b.actions.all()), None)}
            for b in briefings]
    return TemplateResponse(request, "console/insights/briefing/history.html", {
        **site.each_context(request), "title": _("Past daily briefings"), "rows": rows,
        "can_rebuild": request.user.has_perm(REBUILD), "report_day": report_day()})


def rebuild_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(REBUILD):
        raise PermissionDenied
    day = _day(request.POST.get("day")) or report_day()
    briefing = build_briefing(day, actor=request.user)
    messages.success(request, _("The briefing of %(day)s was rebuilt.") % {"day": day})
    return HttpResponseRedirect(reverse("admin:insights_briefing_day",
                                        args=[briefing.day.isoformat()]))


def glossary_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if not request.user.has_perm(GLOSSARY):
        raise PermissionDenied
    metrics = [{"code": m.code, "name": m.name, "formula": m.formula,
                "unit": UNITS.get(m.unit, m.unit), "notes": m.notes,
                "derived_from": [c for c in (m.numerator, m.denominator) if c]}
               for m in sorted(METRICS.values(), key=lambda m: m.code)]
    return TemplateResponse(request, "console/insights/metrics.html", {
        **site.each_context(request), "title": _("Metric glossary"), "metrics": metrics})
