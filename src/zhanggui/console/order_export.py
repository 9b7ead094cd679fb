"""The order list as a file: the orders changelist with its filters, search and ordering,
as CSV or Excel. Small lists are answered right away; big ones become a background job of
the exports app, which calls ``build_order_export`` in the worker with the list's query
string and rebuilds the very same changelist for the staff member who asked.

Personal data is masked for staff without ``customers.view_personal_data``, the goods'
cost is left out without ``catalog.view_cost`` — at the time the file is written.
"""

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from zhanggui.console.formatting import channel
from zhanggui.core.money import to_money
from zhanggui.customers import queries as customer_queries
from zhanggui.customers import rules as customer_rules
from zhanggui.exports import views as export_views
from zhanggui.exports.sources import Column, Export, Table
from zhanggui.orders.models import Order, OrderLine

ORDER_EXPORT_KIND = "orders"
COST_PERMISSION = "catalog.view_cost"
CHUNK_ROWS = 2000
# Parameters of the list that are not filters (the page, the popup flags, the export itself).
IGNORED = {"p", "_popup", "_to_field", "export", "all"}


def list_query(query: Any) -> str:
    """The changelist's query string without what is not a filter."""
    kept = query.copy()
    for name in IGNORED:
        kept.pop(name, None)
    return kept.urlencode()


def order_export(model_admin, request) -> Export:
    """The orders of the changelist ``request`` shows (every page of it), as an export."""
    changelist = model_admin.get_changelist_instance(request)
    return _export(changelist.queryset, request.user)


def build_order_export(parameters: dict, staff) -> Export:
    """The source of background order exports: rebuilds the changelist from its query
    string, as ``staff`` would see it.

    Raises:
        PermissionDenied: ``staff`` may no longer view orders.
        IncorrectLookupParameters: the query string no longer gives a valid list.
    """
    model_admin = admin.site._registry[Order]
    request = RequestFactory().get(reverse("admin:orders_order_changelist"),
                                   QUERY_STRING=parameters.get("query", ""))
    request.user = staff
    if not model_admin.has_view_permission(request):
        raise PermissionDenied(gettext("You may no longer view orders."))
    return order_export(model_admin, request)


def _export(queryset: QuerySet[Order], staff) -> Export:
    show_personal = customer_queries.can_see_personal_data(staff)
    show_cost = staff.has_perm(COST_PERMISSION)
    columns = [Column(gettext("order number")), Column(gettext("placed at")),
               Column(gettext("paid at")), Column(gettext("status")),
               Column(gettext("channel")), Column(gettext("customer number")),
               Column(gettext("goods amount"), "money"), Column(gettext("discount"), "money"),
               Column(gettext("shipping fee"), "money"),
               Column(gettext("amount payable"), "money"),
               Column(gettext("amount paid"), "money"),
               Column(gettext("amount refunded"), "money"),
               Column(gettext("recipient")), Column(gettext("recipient phone")),
               Column(gettext("province")), Column(gettext("city")), Column(gettext("district")),
               Column(gettext("street address")), Column(gettext("buyer note"))]
    if show_cost:
        columns.append(Column(gettext("goods cost"), "money"))
        queryset = queryset.annotate(goods_cost_amount=Subquery(
            OrderLine.objects.filter(order=OuterRef("pk")).values("order").annotate(
                cost=Sum(ExpressionWrapper(F("unit_cost_amount") * F("quantity"),
                                           output_field=DecimalField(max_digits=14,
                                                                     decimal_places=2))))
            .values("cost")[:1]))
    queryset = queryset.select_related("customer")
    total = queryset.count()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Export(tables=[Table(gettext("Orders"), columns,
                                _rows(queryset, show_personal=show_personal, show_cost=show_cost))],
                  total_rows=total, file_stem=f"orders-{stamp}",
                  title=gettext("Orders (%(count)s)") % {"count": total})


def _rows(queryset: QuerySet[Order], *, show_personal: bool, show_cost: bool) -> Iterator[list]:
    for order in queryset.iterator(chunk_size=CHUNK_ROWS):
        name, phone, street = order.recipient_name, order.recipient_phone, order.address_detail
        if not show_personal:
            name = customer_rules.mask_name(name)
            phone = customer_rules.mask_phone(phone)
            street = customer_rules.mask_address(street)
        row = [order.number, _time(order.placed_at), _time(order.paid_at),
               order.get_status_display(), channel(order.channel), order.customer.code,
               order.goods_amount, order.discount_amount, order.shipping_amount,
               order.total_amount, order.paid_amount, order.refunded_amount,
               name, phone, order.get_province_code_display(), order.city, order.district,
               street, order.buyer_note]
        if show_cost:
            cost = order.goods_cost_amount  # SQLite sums without the scale
            row.append(None if cost is None else to_money(cost))
        yield row


def _time(moment) -> str:
    """Shop time, as text (Excel keeps no time zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


class OrderExportMixin:
    """The orders changelist's export bar (a POST with the list's query string) and the
    URL that answers it."""

    list_before_template = "console/order_export_bar.html"

    def get_urls(self):
        site = self.admin_site
        return [path("export/", site.admin_view(require_POST(self.export_view)),
                     name="orders_order_export"),
                *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        file_format = request.POST.get("file_format")
        if file_format not in ("csv", "xlsx"):
            return HttpResponseBadRequest(gettext("Choose CSV or Excel."))
        try:
            export = order_export(self, request)
        except IncorrectLookupParameters:
            messages.error(request, gettext("Check the filters of the list."))
            return redirect("admin:orders_order_changelist")
        return export_views.export_response(
            request, export, kind=ORDER_EXPORT_KIND,
            parameters={"query": list_query(request.GET)}, file_format=file_format)
