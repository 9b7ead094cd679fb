"""Console pages of analytics: the five reports and the list of warehouse runs.

The reports live at ``/reports/<name>/`` (``report_urls``, added to the admin site's URLs
in ``zhanggui.urls`` so they keep the console's chrome and the name
``admin:analytics_report``); their first address, under the warehouse runs, redirects there
with its query string.

"Refresh now" is a POST (a form with a CSRF token on the list of runs and on a report that
finds the warehouse empty): a GET, which any page elsewhere can make a signed-in browser
send, changes nothing.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhanggui.analytics import actions, views
from zhanggui.analytics.models import WarehouseRun
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin


def report_urls(site: admin.AdminSite) -> list:
    """The report pages, to put in front of the admin site's own URLs (``zhanggui.urls``)."""
    page = site.admin_view(lambda request, name: views.report_page(request, site, name))
    return [path("reports/<str:name>/", page, name="analytics_report")]


def report_moved(request: HttpRequest, name: str) -> HttpResponse:
    """The first address of a report (``/analytics/warehouserun/reports/<name>/``): a
    redirect to its address now, with the same query string (filters and period)."""
    target = reverse("admin:analytics_report", args=[name])
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)


@admin.register(WarehouseRun)
class WarehouseRunAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("finished_at", "kind", "version", "seconds", "actor")
    list_filter = ("kind",)
    change_list_template = "console/warehouserun_change_list.html"

    def get_urls(self):
        site = self.admin_site
        moved = site.admin_view(report_moved)
        refresh = site.admin_view(require_POST(self.refresh_now))  # admin_view checks CSRF
        return [path("reports/<str:name>/", moved, name="analytics_report_moved"),
                path("refresh_now/", refresh, name="analytics_warehouserun_refresh_now"),
                *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        context = {**(extra_context or {}), "can_refresh": self.has_refresh_permission(request)}
        return super().changelist_view(request, context)

    def refresh_now(self, request: HttpRequest) -> HttpResponse:
        """POST: refresh the warehouse, then go back to ``next`` (a page of this site) or to
        the list of runs."""
        if not self.has_refresh_permission(request):
            raise PermissionDenied
        run = actions.refresh_warehouse(actor=request.user)
        messages.success(request, _("Warehouse refreshed: version %(version)d in %(seconds)s s.")
                         % {"version": run.version, "seconds": run.seconds})
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return redirect(target)
        return redirect("admin:analytics_warehouserun_changelist")

    def has_refresh_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("analytics.refresh_warehouse")
