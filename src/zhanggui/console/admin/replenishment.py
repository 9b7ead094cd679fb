"""Console pages of replenishment: "今日补货 Reorder today" (the morning reorder list, grouped
by supplier, with one button that drafts the purchase orders) and the SKU forecast page
(history, forecast and interval as an ECharts chart, the forecast days as a table, and the
replenishment figures of each warehouse), plus the read-only list of stored forecasts.

The two pages are added to the admin site's URLs (``supply_urls``, in ``zhanggui.urls``) so
they keep the console's chrome and reverse as ``admin:suppliers_reorder_today`` and
``admin:inventory_sku_forecast``. Thin: authorise, call one query or action, render.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import display

from zhanggui.catalog.queries import get_sku
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin
from zhanggui.core.errors import DomainError
from zhanggui.inventory.models import ForecastFit, Warehouse, WarehouseKind
from zhanggui.inventory.queries_forecast import ordered_fits, stockout_days
from zhanggui.orders.sales_queries import daily_units_sold
from zhanggui.suppliers.models import Supplier
from zhanggui.suppliers.replenishment import reorder_list, sku_replenishment
from zhanggui.suppliers.replenishment_drafts import draft_purchase_orders, parse_selection

REORDER_PERMISSIONS = ("suppliers.view_supplier", "suppliers.add_purchaseorder")
FORECAST_PERMISSIONS = ("inventory.view_forecastfit", "inventory.view_demandforecast")
COST = "catalog.view_cost"
HISTORY_DAYS = 90
SALES_DAYS = 28  # GLOSSARY days_of_supply: the last 28 days' average sales


def supply_urls(site: admin.AdminSite) -> list:
    """The pages, to put in front of the admin site's own URLs (``zhanggui.urls``)."""
    reorder = site.admin_view(require_http_methods(["GET", "POST"])(
        lambda request: reorder_today_view(request, site)))
    forecast = site.admin_view(lambda request, sku_id: sku_forecast_view(request, site, sku_id))
    return [path("supply/reorder-today/", reorder, name="suppliers_reorder_today"),
            path("supply/skus/<int:sku_id>/forecast/", forecast, name="inventory_sku_forecast")]


def forecast_url(sku_id: int) -> str:
    return reverse("admin:inventory_sku_forecast", args=[sku_id])


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _po_links(drafts) -> str:
    def url(po):
        try:
            return reverse("admin:suppliers_purchaseorder_change", args=[po.pk])
        except NoReverseMatch:  # the purchase-order pages are not registered
            return "#"
    return format_html_join(", ", '<a class="underline" href="{}">{}</a>',
                            ((url(po), po.number) for po in drafts))


def reorder_today_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    """GET: today's list; POST: draft purchase orders from the ticked rows, then back here."""
    if not request.user.has_perms(REORDER_PERMISSIONS):
        raise PermissionDenied
    filters = {"warehouse_id": _int(request.GET.get("warehouse")),
               "supplier_id": _int(request.GET.get("supplier"))}
    if request.method == "POST":
        try:
            drafts = draft_purchase_orders(parse_selection(request.POST.getlist("row")),
                                           actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, format_html(
                "{} {}", _("Draft purchase orders created:"), _po_links(drafts)))
        return HttpResponseRedirect(request.get_full_path())
    listing = reorder_list(**filters)
    return TemplateResponse(request, "console/supply/reorder_today.html", {
        **site.each_context(request), "title": _("Reorder today"), "listing": listing,
        "show_cost": request.user.has_perm(COST), "filters": filters,
        "warehouses": Warehouse.objects.filter(is_active=True, kind__in=(
            WarehouseKind.OWN, WarehouseKind.THIRD_PARTY)).order_by("code"),
        "suppliers": Supplier.objects.filter(is_active=True).order_by("code"),
        "service_level_percent": listing.service_level * 100,
        # The rows the workbench's "to reorder today" counts (tests read this number).
        "todo_rows": sum(1 for row in listing.rows if row.is_selectable),
    })


def _history(sku_id: int, warehouse_id: int | None) -> dict:
    """Daily units sold over the last 90 days (zeros filled in) and the stock-out days."""
    today = timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS)
    sold = daily_units_sold(sku_id, start=start, end=today, warehouse_id=warehouse_id)
    out = set(stockout_days(sku_id, start=start, end=today, warehouse_id=warehouse_id))
    days = [start + timedelta(days=i) for i in range(HISTORY_DAYS)]
    return {"days": [day.isoformat() for day in days],
            "units": [sold.get(day, 0) for day in days],
            "stockout": [day.isoformat() for day in days if day in out],
            "stockout_count": len(out)}


def _sales_days_of_supply(sku_id: int, rows) -> dict[int, float | None]:
    """Warehouse id → available / (units sold in the last 28 days / 28): GLOSSARY's
    days_of_supply, beside the forecast-based figure."""
    today = timezone.localdate()
    result = {}
    for row in rows:
        sold = sum(daily_units_sold(sku_id, start=today - timedelta(days=SALES_DAYS), end=today,
                                    warehouse_id=row.warehouse_id).values())
        result[row.warehouse_id] = (max(row.available, 0) / (sold / SALES_DAYS)) if sold else None
    return result


def sku_forecast_view(request: HttpRequest, site: admin.AdminSite, sku_id: int) -> HttpResponse:
    if not request.user.has_perms(FORECAST_PERMISSIONS):
        raise PermissionDenied
    try:
        sku = get_sku(sku_id)
    except DomainError:
        raise Http404 from None
    fits = ordered_fits(sku.pk)
    warehouse_id = _int(request.GET.get("warehouse"))
    fit = next((f for f in fits if f.warehouse_id == warehouse_id), None)
    rows = sku_replenishment(sku.pk)
    sales_days = _sales_days_of_supply(sku.pk, rows)
    for row in rows:
        row.sales_days_of_supply = sales_days.get(row.warehouse_id)
    days = list(fit.days.all()) if fit else []
    chart = {**_history(sku.pk, warehouse_id),
             "forecast": [{"day": d.day.isoformat(), "quantity": float(d.quantity),
                           "lower": float(d.lower), "upper": float(d.upper)} for d in days],
             "interval_level": fit.interval_level if fit else 80}
    return TemplateResponse(request, "console/supply/sku_forecast.html", {
        **site.each_context(request), "title": _("Demand forecast of %(sku)s") % {
            "sku": sku.code},
        "sku": sku, "fits": fits, "fit": fit, "days": days, "chart": chart,
        "warehouse_id": warehouse_id, "rows": rows,
        "show_supplier": request.user.has_perm("suppliers.view_supplier"),
        "show_cost": request.user.has_perm(COST),
        "can_reorder": request.user.has_perms(REORDER_PERMISSIONS),
    })


@admin.register(ForecastFit)
class ForecastFitAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """The stored forecasts (written by the forecasting task), each linking to its chart."""

    list_display = ("sku", "warehouse_display", "model", "mean_daily_demand", "error_std",
                    "mase", "xyz_class", "censored_days", "computed_at", "chart_link")
    list_filter = (("warehouse", RelatedDropdownFilter), "xyz_class", "model")
    list_select_related = ("sku", "warehouse")
    search_fields = ("sku__code__startswith",)
    search_help_text = _("SKU code or its beginning.")

    @display(description=_("warehouse"), ordering="warehouse_id")
    def warehouse_display(self, fit: ForecastFit) -> str:
        return fit.warehouse.name if fit.warehouse_id else _("all warehouses")

    @display(description=_("chart"))
    def chart_link(self, fit: ForecastFit) -> str:
        query = f"?warehouse={fit.warehouse_id}" if fit.warehouse_id else ""
        return format_html('<a class="text-primary-600 underline" href="{}{}">{}</a>',
                           forecast_url(fit.sku_id), query, _("chart"))
