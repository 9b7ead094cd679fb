"""Console pages of drop-shipping (一件代发): supplier orders. A supplier's account (role
"supplier") sees only its own suppliers' orders — another supplier's order answers 403 — and
works them: accept, see the recipient (logged), enter the tracking number, export the orders
to ship as CSV (logged). The shop's staff with ``fulfillment.view_supplierorder`` see every
supplier's orders; the cost only with ``catalog.view_cost``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.admin.dropship_feed import feed_status
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge, money
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, permission_check
from zhanggui.console.operations import Operation, OperationForm, run_bulk, run_single
from zhanggui.fulfillment import dropship, dropship_queries
from zhanggui.fulfillment.models import Carrier, SupplierOrder, SupplierOrderStatus
from zhanggui.suppliers.queries_dropship import is_supplier_account

SHIP = "fulfillment.ship_supplierorder"


class TrackingForm(OperationForm):
    carrier = forms.ChoiceField(label=_("carrier"), choices=Carrier.choices)
    tracking_number = forms.RegexField(label=_("tracking number"), max_length=40,
                                       regex=r"^\s*[A-Za-z0-9-]+\s*$")


ACCEPT = Operation(
    title=_("Accept supplier orders"),
    perform=lambda order, data, actor: dropship.accept_supplier_orders([order], actor=actor),
    done_message=_("%(count)d supplier order(s) accepted."),
    help_text=_("Tell the shop you have seen the order and will ship it."),
)
ENTER_TRACKING = Operation(
    title=_("Enter tracking number"),
    perform=lambda order, data, actor: dropship.ship_supplier_order(
        order, carrier=data["carrier"], tracking_number=data["tracking_number"], actor=actor),
    done_message=_("Shipped: the tracking number is on the parcel."),
    form_class=TrackingForm,
    help_text=_("The carrier and tracking number of the parcel you sent: the shop's parcel and "
                "order are shipped with them."),
)
RECIPIENT = Operation(
    title=_("Recipient"),
    perform=lambda order, data, actor: _recipient(order, actor),
    done_message=_("Recipient shown."),
    result_template="console/dropship/recipient.html",
    help_text=_("The buyer's name, phone and address, to ship the parcel. Each look is recorded "
                "in the operation log."),
)


def _recipient(order: SupplierOrder, actor):
    dropship.log_recipient_view(order, actor=actor)
    return dropship_queries.recipient_of(order)


class LateFilter(admin.SimpleListFilter):
    """Orders still to ship whose sales order was paid more than the fulfillment policy's
    hours ago (the workbench's "late" to-do)."""

    title = _("late")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("1", _("not shipped in time"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        return queryset.filter(status__in=dropship_queries.TO_SHIP,
                               shipment__order__paid_at__lte=dropship_queries.late_cutoff())


@admin.register(SupplierOrder)
class SupplierOrderAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("number", "status_display", "supplier_name", "order_number", "paid_at",
                    "items_display", "destination", "tracking", "cost_amount", "created_at")
    cost_fields = ("cost_amount", "cost_display")
    list_filter = (("status", ChoicesDropdownFilter), LateFilter,
                   ("supplier", RelatedDropdownFilter), ("created_at", DateRangeFilter))
    list_select_related = ("supplier", "shipment", "shipment__order")
    search_fields = ("number__startswith", "shipment__order__number__startswith")
    search_help_text = _("Supplier order number or order number, or their beginning.")
    fields = ("number", "status_display", "supplier_name", "order_number", "paid_at",
              "items_display", "destination", "tracking", "cost_display", "created_at",
              "accepted_at", "shipped_at", "exported_at")
    readonly_fields = fields
    actions = ["accept_selected", "export_selected"]
    actions_detail = ["enter_tracking_one", "recipient_one", "accept_one"]

    has_ship_supplierorder_permission = permission_check(SHIP)
    list_before_template = "console/dropship/feed_status.html"

    def changelist_view(self, request, extra_context=None):
        """A supplier's account sees its stock feed's last sync above its orders."""
        status = feed_status(request.user) if is_supplier_account(request.user) else []
        return super().changelist_view(request, {**(extra_context or {}), "feed_status": status})

    def get_queryset(self, request):
        return dropship_queries.supplier_orders_for(request.user)

    def get_list_filter(self, request):
        if is_supplier_account(request.user):  # one supplier: no supplier filter
            return tuple(f for f in self.list_filter
                         if not (isinstance(f, tuple) and f[0] == "supplier"))
        return self.list_filter

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and SupplierOrder.objects.filter(
                pk=object_id if str(object_id).isdigit() else 0).exists():
            raise PermissionDenied  # another supplier's order
        return obj

    def detail_action_possible(self, order: SupplierOrder, action_name: str) -> bool:
        if action_name == "accept_one":
            return order.status == SupplierOrderStatus.NEW
        if action_name == "enter_tracking_one":
            return order.status in dropship_queries.TO_SHIP
        return True

    @display(description=_("status"), ordering="status")
    def status_display(self, order: SupplierOrder) -> str:
        return badge(order.status, order.get_status_display())

    @display(description=_("order"))
    def order_number(self, order: SupplierOrder) -> str:
        return order.shipment.order.number

    @display(description=_("supplier"), ordering="supplier__code")
    def supplier_name(self, order: SupplierOrder) -> str:
        return str(order.supplier)

    @display(description=_("paid at"), ordering="shipment__order__paid_at")
    def paid_at(self, order: SupplierOrder) -> str:
        paid = order.shipment.order.paid_at
        return timezone.localtime(paid).strftime("%Y-%m-%d %H:%M") if paid else "—"

    @display(description=_("items"))
    def items_display(self, order: SupplierOrder) -> str:
        items = dropship_queries.items_of([order])[order.pk]
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li><b>{}</b> {} {} × {}</li>",
            ((i.sku_code, i.product_title, i.options, i.quantity) for i in items)))

    @display(description=_("ship to"))
    def destination(self, order: SupplierOrder) -> str:
        recipient = dropship_queries.recipient_of(order)
        return f"{recipient.province} {recipient.city}"

    @display(description=_("tracking"))
    def tracking(self, order: SupplierOrder) -> str:
        parcel = order.shipment
        if not parcel.tracking_number:
            return "—"
        return f"{parcel.get_carrier_display()} {parcel.tracking_number}"

    @display(description=_("drop-ship cost"))
    def cost_display(self, order: SupplierOrder) -> str:
        return money(order.cost_amount)

    @admin.action(description=_("Accept selected supplier orders"), permissions=["ship_supplierorder"])
    def accept_selected(self, request, queryset):
        return run_bulk(self, request, queryset, ACCEPT)

    @admin.action(description=_("Export selected orders to ship (CSV)"),
                  permissions=["ship_supplierorder"])
    def export_selected(self, request, queryset):
        orders = list(queryset.filter(status__in=dropship_queries.TO_SHIP))
        if not orders:
            self.message_user(request, _("None of the selected orders is still to ship."),
                              messages.WARNING)
            return None
        content = dropship_queries.export_csv(orders)
        dropship.mark_supplier_orders_exported(orders, actor=request.user)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="supplier-orders.csv"'
        response["Cache-Control"] = "no-store"
        return response

    @action(description=_("Accept"), permissions=["ship_supplierorder"], icon="task_alt",
            url_path="accept")
    def accept_one(self, request, object_id):
        return run_single(self, request, object_id, ACCEPT)

    @action(description=_("Enter tracking number"), permissions=["ship_supplierorder"],
            icon="local_shipping", url_path="tracking")
    def enter_tracking_one(self, request, object_id):
        return run_single(self, request, object_id, ENTER_TRACKING)

    @action(description=_("Recipient"), permissions=["ship_supplierorder"], icon="contact_mail",
            url_path="recipient")
    def recipient_one(self, request, object_id):
        return run_single(self, request, object_id, RECIPIENT)
