"""Console pages of analytics: the five reports and the list of warehouse runs."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from zhanggui.analytics import actions, views
from zhanggui.analytics.models import WarehouseRun
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin


@admin.register(WarehouseRun)
class WarehouseRunAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("finished_at", "kind", "version", "seconds", "actor")
    list_filter = ("kind",)
    actions_list = ["refresh_now"]

    def get_urls(self):
        site = self.admin_site
        page = site.admin_view(lambda request, name: views.report_page(request, site, name))
        return [path("reports/<str:name>/", page, name="analytics_report"), *super().get_urls()]

    @action(description=_("Refresh the warehouse now"), permissions=["refresh"])
    def refresh_now(self, request: HttpRequest):
        run = actions.refresh_warehouse(actor=request.user)
        messages.success(request, _("Warehouse refreshed: version %(version)d in %(seconds)s s.")
                         % {"version": run.version, "seconds": run.seconds})
        return redirect("admin:analytics_warehouserun_changelist")

    def has_refresh_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("analytics.refresh_warehouse")
