"""Console pages of the reports: filters, KPIs, ECharts charts, the same data as tables,
exports and the "how is this computed" panel. Thin: parse, authorise, call, render."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import raise_alert
from zhanggui.accounts.models import AlertKind
from zhanggui.analytics import exports, queries
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.core.errors import DomainError
from zhanggui.exports import queries as export_queries
from zhanggui.exports import views as export_views
from zhanggui.service.models import TicketChannel

VIEW_PERMISSION = "analytics.view_reports"
REFRESH_PERMISSION = "analytics.refresh_warehouse"

TITLES = {"overview": _("Overview"), "traffic": _("Traffic"), "sales": _("Sales"),
          "customers": _("Customers"), "aftersales": _("After-sales and payments"),
          "logistics": _("Logistics"), "suppliers": _("Suppliers"), "stock": _("Stock health"),
          "dropship": _("Drop-ship profit")}


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until (exclusive)"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    compare_start = forms.DateField(label=_("Compare from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    compare_end = forms.DateField(label=_("Compare until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    category_id = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int,
                                         empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels, categories = queries.filter_choices()
        everything = [("", _("All"))]
        self.fields["channel"].choices = everything + [(c, c) for c in channels]
        self.fields["category_id"].choices = everything + categories


class LogisticsFilterForm(FilterForm):
    """The logistics report's filters: a warehouse and a carrier instead of a category."""

    warehouse_id = forms.TypedChoiceField(label=_("Warehouse"), required=False, coerce=int,
                                          empty_value=None)
    carrier = forms.ChoiceField(label=_("Carrier"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category_id"]
        warehouses, carriers = queries.logistics_choices()
        everything = [("", _("All"))]
        self.fields["warehouse_id"].choices = everything + warehouses
        self.fields["carrier"].choices = everything + carriers


class SupplyFilterForm(FilterForm):
    """The supply reports' filters: the period and the channel (of the sales)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category_id"]


FORMS = {"logistics": LogisticsFilterForm, "suppliers": SupplyFilterForm, "stock": SupplyFilterForm,
         "dropship": SupplyFilterForm}


class ServiceFilterForm(FilterForm):
    """The service report's filters: the period and a ticket channel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category_id"]
        self.fields["channel"].choices = [("", _("All")), *TicketChannel.choices]


class PeriodFilterForm(FilterForm):
    """The period only (the campaigns report)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category_id"], self.fields["channel"]


TITLES.update({"service": _("Service performance"), "campaigns": _("Campaign results")})
FORMS.update({"service": ServiceFilterForm, "campaigns": PeriodFilterForm})
# The live report: the period and the session's channel.
TITLES["live"] = _("Live sessions compared")
FORMS["live"] = SupplyFilterForm
# Channel profit: the period and one channel.
TITLES["channel_profit"] = _("Channel profit")
FORMS["channel_profit"] = SupplyFilterForm


def report_page(request: HttpRequest, admin_site, name: str) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    form = FORMS.get(name, FilterForm)(request.GET or None)
    context = {**admin_site.each_context(request), "title": TITLES.get(name, name),
               "form": form, "name": name, "reports": TITLES,
               "report": None, "error": None}
    if form.is_bound and not form.is_valid():
        context["error"] = _("Check the filters.")
        return TemplateResponse(request, "analytics/report.html", context, status=422)
    cleaned = form.cleaned_data if form.is_bound else {}
    try:
        parsed = queries.parse_request(name, access=queries.viewer_access(request.user),
                                       **{k: v for k, v in cleaned.items() if v not in (None, "")})
        report = queries.run_report(parsed)
    except WarehouseEmpty as error:
        # Not a failure of this request: the page explains it and offers the refresh.
        context.update(error=str(error), can_refresh=request.user.has_perm(REFRESH_PERMISSION))
        return TemplateResponse(request, "analytics/report.html", context)
    except DomainError as error:
        context["error"] = str(error)
        return TemplateResponse(request, "analytics/report.html", context, status=error.http_status)
    export = request.POST.get("export") if request.method == "POST" else None
    if export in ("csv", "xlsx"):
        if name == "customers":
            raise_alert(AlertKind.CUSTOMER_EXPORT, actor=request.user, message=gettext(
                "%(staff)s exported the customers report (%(start)s – %(end)s) as %(kind)s.") % {
                    "staff": request.user, "start": report["period"]["start"],
                    "end": report["period"]["end"], "kind": export.upper()})
        if exports.row_count(report) > export_queries.background_threshold():
            return export_views.export_response(
                request, exports.as_export(report), kind=exports.REPORT_EXPORT_KIND,
                parameters=exports.export_parameters(name, report, cleaned), file_format=export)
        return _download(report, export)
    context["report"] = report
    context["fixed_query"] = _show_period(form, request, report)
    return TemplateResponse(request, "analytics/report.html", context)


def _show_period(form: FilterForm, request: HttpRequest, report: dict) -> str:
    """Show the dates of the period in use in the filter form, and return the page's query
    string with them written out.

    A report's address keeps its filters and period in the query string, so a bookmark or a
    shared link opens the same view. Without dates it is the last 30 days up to the day it
    is opened (a rolling view); the returned query pins the dates, for a link that shows the
    same numbers later.
    """
    query = request.GET.copy()
    query["start"], query["end"] = report["period"]["start"], report["period"]["end"]
    if form.is_bound:
        form.data = query
    else:
        form.initial = {"start": query["start"], "end": query["end"]}
    return query.urlencode()


def _download(report: dict, kind: str) -> HttpResponse:
    stamp = f"{report['period']['start']}_{report['period']['end']}"
    if kind == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{report["report"]}_{stamp}.{kind}"'
    return response

