"""The team dashboard (团队绩效, the owner's): per staff member, the targets of the period
picked (this month, last month, this quarter) against their actuals, with bars, percent and
the targets behind highlighted; each name drills to the staff member's page (their targets
and reviews). Thin: authorise, one query, render."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.queries import get_staff, staff_roles
from zhanggui.accounts.roles import Role
from zhanggui.console.admin.team_view import PERIOD_LABELS, present_all
from zhanggui.core.errors import NotFound
from zhanggui.team import queries

VIEW = "team.view_kpitarget"
REVIEWS = "team.view_performancereview"


def dashboard_urls(site: admin.AdminSite) -> list:
    def view(function):
        return site.admin_view(lambda request, *args, **kw: function(request, site, *args, **kw))

    return [path("team/dashboard/", view(dashboard_view), name="team_dashboard"),
            path("team/dashboard/staff/<int:staff_id>/", view(staff_view), name="team_staff")]


def _period(request: HttpRequest) -> str:
    wanted = request.GET.get("period", "")
    return wanted if wanted in queries.PERIOD_CHOICES else "this_month"


def _picker(request: HttpRequest, period: str, url: str) -> list[dict]:
    return [{"code": code, "label": label, "url": f"{url}?period={code}", "current": code == period}
            for code, label in PERIOD_LABELS.items()]


def _role_names(member) -> str:
    return "、".join(str(Role(code).label) if code in Role.values else code
                    for code in staff_roles(member))


def dashboard_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    period = _period(request)
    start, end = queries.period_range(period)
    board = queries.dashboard(start, end)
    staff = [{"staff": s.staff, "roles": _role_names(s.staff), "behind": s.behind,
              "url": reverse("admin:team_staff", args=[s.staff.pk]) + f"?period={period}",
              "rows": present_all(s.rows)} for s in board]
    return TemplateResponse(request, "console/team/dashboard.html", {
        **site.each_context(request), "title": _("Team performance"), "staff": staff,
        "period": period, "start": start, "end": end,
        "periods": _picker(request, period, reverse("admin:team_dashboard")),
        "targets_url": reverse("admin:team_kpitarget_changelist"),
        "behind_total": sum(s.behind for s in board)})


def staff_view(request: HttpRequest, site: admin.AdminSite, staff_id: int) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    try:
        member = get_staff(staff_id)
    except NotFound:
        raise Http404 from None
    period = _period(request)
    start, end = queries.period_range(period)
    rows = queries.figures(list(queries.list_targets(staff_id=member.pk, start=start, end=end)))
    reviews = list(queries.list_reviews(staff_id=member.pk)[:12]) if request.user.has_perm(REVIEWS) else None
    return TemplateResponse(request, "console/team/staff.html", {
        **site.each_context(request), "title": _("Performance of %(name)s") % {"name": member},
        "member": member, "rows": present_all(rows), "period": period, "start": start, "end": end,
        "periods": _picker(request, period, reverse("admin:team_staff", args=[member.pk])),
        "dashboard_url": reverse("admin:team_dashboard") + f"?period={period}",
        "reviews": reviews})

