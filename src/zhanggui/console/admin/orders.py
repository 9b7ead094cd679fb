"""Console pages of orders. Orders, lines and payments are read-only in forms and change
only through admin actions that call the order, fulfillment and after-sales actions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.admin.review import (  # also registers the review pages
    FIX_RECIPIENT,
    RECHECK,
    RELEASE_ORDER,
    SELLER_NOTE,
    OrderHoldInline,
    hold_reasons,
    open_holds_prefetch,
)
from zhanggui.console.filters import ChannelFilter, DateRangeFilter
from zhanggui.console.formatting import badge, channel, link, money, options_text, percent
from zhanggui.console.forms import NoteForm, ReasonForm
from zhanggui.console.history import order_history
from zhanggui.console.list_search import IndexedSearchMixin
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    permission_check,
)
from zhanggui.console.operations import Operation, run_bulk, run_single
from zhanggui.console.order_export import OrderExportMixin
from zhanggui.console.order_extras import (
    MARK_DELIVERED,
    OPEN_AFTERSALES,
    REFUND_ORDER,
    SHIP,
    AftersalesRequestInline,
    RefundInline,
    ShipmentInline,
)
from zhanggui.console.personal_search import PhoneSearchMixin
from zhanggui.customers import rules as customer_rules
from zhanggui.orders import actions, rules
from zhanggui.orders.models import Order, OrderLine, OrderStatus, Payment

RECIPIENT_PERSONAL = {"recipient_name": customer_rules.mask_name,
                      "recipient_phone": customer_rules.mask_phone,
                      "address_detail": customer_rules.mask_address}

REVIEW = Operation(
    title=_("Review orders"),
    perform=lambda order, data, actor: actions.review_order(order, note=data.get("note", ""),
                                                            actor=actor),
    done_message=_("%(count)d order(s) reviewed."),
    form_class=NoteForm,
)
CANCEL = Operation(
    title=_("Cancel orders"),
    perform=lambda order, data, actor: actions.cancel_order(order, reason=data["reason"],
                                                            actor=actor),
    done_message=_("%(count)d order(s) cancelled."),
    form_class=ReasonForm,
    help_text=_("Reserved stock is released. A paid order must be refunded in full first."),
)
COMPLETE = Operation(
    title=_("Complete orders"),
    perform=lambda order, data, actor: actions.complete_order(order, actor=actor),
    done_message=_("%(count)d order(s) completed."),
)


# Review detail actions → when they are offered.
REVIEW_STEPS = {
    "release_holds_one": lambda order: order.is_held,
    "recheck_one": lambda order: order.status == OrderStatus.PAID,
    "fix_recipient_one": lambda order: order.status in (OrderStatus.PAID, OrderStatus.REVIEWED),
    "seller_note_one": lambda order: order.status not in (OrderStatus.CANCELLED, OrderStatus.CLOSED),
}
# Detail action → the status it leads to; offered only where the state machine allows it.
STEP_TARGETS = {"review_one": OrderStatus.REVIEWED, "ship_one": OrderStatus.SHIPPED,
                "mark_delivered_one": OrderStatus.DELIVERED,
                "complete_one": OrderStatus.COMPLETED, "cancel_one": OrderStatus.CANCELLED}


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = ("product_title", "sku_code", "options", "quantity", "unit_price", "unit_cost",
              "discount", "line_total", "returned_quantity", "refunded", "warehouse")
    cost_fields = ("unit_cost",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "warehouse")

    @display(description=_("options"))
    def options(self, line: OrderLine) -> str:
        return options_text(line.option_values)

    @display(description=_("unit price"))
    def unit_price(self, line: OrderLine) -> str:
        return money(line.unit_price_amount, line.order.currency)

    @display(description=_("unit cost"))
    def unit_cost(self, line: OrderLine) -> str:
        return money(line.unit_cost_amount, line.order.currency)

    @display(description=_("discount"))
    def discount(self, line: OrderLine) -> str:
        return money(line.discount_amount, line.order.currency)

    @display(description=_("line total"))
    def line_total(self, line: OrderLine) -> str:
        return money(line.total_amount, line.order.currency)

    @display(description=_("amount refunded"))
    def refunded(self, line: OrderLine) -> str:
        return money(line.refunded_amount, line.order.currency)


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ("created_at", "method", "amount_display", "status_display", "failure_reason",
              "transaction_id")

    @display(description=_("amount"))
    def amount_display(self, payment: Payment) -> str:
        return money(payment.amount, payment.currency)

    @display(description=_("status"))
    def status_display(self, payment: Payment) -> str:
        return badge(payment.status, payment.get_status_display())


@admin.register(Order)
class OrderAdmin(OrderExportMixin, PhoneSearchMixin, IndexedSearchMixin, ReadOnlyAdminMixin,
                 ConsoleModelAdmin):
    list_display = ("number", "placed_at", "customer", "status_display", "holds_display",
                    "total_display",
                    "paid_display", "recipient_name", "recipient_phone", "city",
                    "channel_display")
    list_filter = (("status", ChoicesDropdownFilter), ChannelFilter,
                   ("placed_at", DateRangeFilter), ("paid_at", DateRangeFilter),
                   ("province_code", ChoicesDropdownFilter), "is_imported", "is_held",
                   ("customer", AutocompleteSelectFilter))  # thousands: searched, not listed
    list_select_related = ("customer",)
    search_fields = ("number__startswith", "external_id__exact", "customer__code__exact",
                     "customer__nickname", "shipments__tracking_number__exact")
    phone_search_fields = ("recipient_phone",)  # encrypted: exact, through the blind index
    search_help_text = _("Order number or its beginning, exact external id, customer number or "
                         "tracking number, part of a customer nickname, or the recipient's "
                         "exact phone number.")
    fieldsets = (
        (_("Order"), {"fields": (("number", "status_display"), ("customer_link", "channel_display"),
                                 ("placed_at", "paid_at"), ("external_id", "is_imported"))}),
        (_("Amounts"), {"fields": (("goods", "discount", "shipping"),
                                   ("total", "paid", "refunded"))}),
        (_("Recipient"), {"fields": (("recipient_name", "recipient_phone"),
                                     ("province_code", "city", "district"), "address_detail",
                                     ("buyer_note", "seller_note"))}),
        (_("Progress"), {"fields": (("reviewed_at", "shipped_at", "delivered_at"),
                                    ("completed_at", "cancelled_at", "closed_at"),
                                    "cancel_reason")}),
    )
    personal_fields = RECIPIENT_PERSONAL
    inlines = [OrderHoldInline, OrderLineInline, PaymentInline, ShipmentInline, AftersalesRequestInline,
               RefundInline]
    change_form_after_template = history.TEMPLATE
    actions = ["review_selected", "cancel_selected", "ship_selected", "mark_delivered_selected",
               "complete_selected"]
    actions_detail = ["release_holds_one", "recheck_one", "fix_recipient_one", "seller_note_one",
                      "review_one", "ship_one", "mark_delivered_one", "complete_one",
                      "open_aftersales_one", "refund_one", "cancel_one"]

    has_review_order_permission = permission_check("orders.review_order")
    has_release_hold_permission = permission_check("orders.release_hold")
    has_change_order_permission = permission_check("orders.change_order")
    has_cancel_order_permission = permission_check("orders.cancel_order")
    has_complete_order_permission = permission_check("orders.complete_order")
    has_ship_order_permission = permission_check("fulfillment.ship_order")
    has_mark_delivered_permission = permission_check("fulfillment.mark_delivered")
    has_issue_refund_permission = permission_check("aftersales.issue_refund")
    has_open_aftersales_permission = permission_check("aftersales.add_aftersalesrequest")

    def object_history(self, request, order: Order) -> list:
        # The order's own entries and those of its shipments, requests and refunds.
        return order_history(order, request.user)

    @display(description=_("status"), ordering="status")
    def status_display(self, order: Order) -> str:
        return badge(order.status, order.get_status_display())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(open_holds_prefetch())

    @display(description=_("holds"))
    def holds_display(self, order: Order) -> str:
        return hold_reasons(order)

    def detail_action_possible(self, order: Order, action_name: str) -> bool:
        """Only the steps the order's status allows (no 审单 on a shipped order)."""
        if action_name in REVIEW_STEPS:
            return REVIEW_STEPS[action_name](order)
        if action_name in ("refund_one", "open_aftersales_one"):
            return order.status in rules.PAID_STATES and order.refundable_amount > 0
        if action_name == "cancel_one" and order.status in rules.PAID_STATES:
            return order.refundable_amount == 0  # a paid order is refunded in full first
        target = STEP_TARGETS.get(action_name)
        return target is None or rules.can_transition(order.status, target)

    @display(description=_("channel"), ordering="channel")
    def channel_display(self, order: Order) -> str:
        return channel(order.channel)

    @display(description=_("amount payable"), ordering="total_amount")
    def total_display(self, order: Order) -> str:
        return money(order.total_amount, order.currency)

    @display(description=_("amount paid"), ordering="paid_amount")
    def paid_display(self, order: Order) -> str:
        return money(order.paid_amount, order.currency)

    @display(description=_("customer"))
    def customer_link(self, order: Order) -> str:
        url = reverse("admin:customers_customer_change", args=[order.customer_id])
        return link(url, str(order.customer))

    @display(description=_("goods amount"))
    def goods(self, order: Order) -> str:
        return money(order.goods_amount, order.currency)

    @display(description=_("discount"))
    def discount(self, order: Order) -> str:
        return money(order.discount_amount, order.currency)

    @display(description=_("shipping fee"))
    def shipping(self, order: Order) -> str:
        return money(order.shipping_amount, order.currency)

    @display(description=_("amount payable"))
    def total(self, order: Order) -> str:
        return money(order.total_amount, order.currency)

    @display(description=_("amount paid"))
    def paid(self, order: Order) -> str:
        return money(order.paid_amount, order.currency)

    @display(description=_("amount refunded"))
    def refunded(self, order: Order) -> str:
        if not order.paid_amount:
            return money(order.refunded_amount, order.currency)
        share = percent(order.refunded_amount / order.paid_amount)
        return f"{money(order.refunded_amount, order.currency)} ({share})"

    @admin.action(description=_("Review selected orders"), permissions=["review_order"])
    def review_selected(self, request, queryset):
        return run_bulk(self, request, queryset, REVIEW)

    @admin.action(description=_("Cancel selected orders (with a reason)"),
                  permissions=["cancel_order"])
    def cancel_selected(self, request, queryset):
        return run_bulk(self, request, queryset, CANCEL)

    @admin.action(description=_("Ship selected orders (carrier and tracking number)"),
                  permissions=["ship_order"])
    def ship_selected(self, request, queryset):
        return run_bulk(self, request, queryset, SHIP)

    @admin.action(description=_("Mark selected orders delivered"),
                  permissions=["mark_delivered"])
    def mark_delivered_selected(self, request, queryset):
        return run_bulk(self, request, queryset, MARK_DELIVERED)

    @admin.action(description=_("Complete selected orders"), permissions=["complete_order"])
    def complete_selected(self, request, queryset):
        return run_bulk(self, request, queryset, COMPLETE)

    @action(description=_("Release holds"), permissions=["release_hold"], icon="lock_open",
            url_path="release-holds")
    def release_holds_one(self, request, object_id):
        return run_single(self, request, object_id, RELEASE_ORDER)

    @action(description=_("Recheck"), permissions=["review_order"], icon="rule",
            url_path="recheck")
    def recheck_one(self, request, object_id):
        return run_single(self, request, object_id, RECHECK)

    @action(description=_("Fix address"), permissions=["change_order"], icon="edit_location",
            url_path="fix-recipient")
    def fix_recipient_one(self, request, object_id):
        return run_single(self, request, object_id, FIX_RECIPIENT)

    @action(description=_("Seller note"), permissions=["change_order"], icon="edit_note",
            url_path="seller-note")
    def seller_note_one(self, request, object_id):
        return run_single(self, request, object_id, SELLER_NOTE)

    @action(description=_("Review"), permissions=["review_order"], icon="fact_check",
            url_path="review")
    def review_one(self, request, object_id):
        return run_single(self, request, object_id, REVIEW)

    @action(description=_("Ship"), permissions=["ship_order"], icon="local_shipping",
            url_path="ship")
    def ship_one(self, request, object_id):
        return run_single(self, request, object_id, SHIP)

    @action(description=_("Mark delivered"), permissions=["mark_delivered"],
            icon="inventory", url_path="mark-delivered")
    def mark_delivered_one(self, request, object_id):
        return run_single(self, request, object_id, MARK_DELIVERED)

    @action(description=_("Complete"), permissions=["complete_order"], icon="task_alt",
            url_path="complete")
    def complete_one(self, request, object_id):
        return run_single(self, request, object_id, COMPLETE)

    @action(description=_("Open after-sales"), permissions=["open_aftersales"],
            icon="assignment_return", url_path="open-aftersales")
    def open_aftersales_one(self, request, object_id):
        return run_single(self, request, object_id, OPEN_AFTERSALES)

    @action(description=_("Refund"), permissions=["issue_refund"], icon="currency_exchange",
            url_path="refund")
    def refund_one(self, request, object_id):
        return run_single(self, request, object_id, REFUND_ORDER)

    @action(description=_("Cancel"), permissions=["cancel_order"], icon="cancel",
            url_path="cancel")
    def cancel_one(self, request, object_id):
        return run_single(self, request, object_id, CANCEL)


@admin.register(OrderLine)
class OrderLineAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("order", "product_title", "sku_code", "options", "quantity", "unit_price",
                    "unit_cost", "line_total", "returned_quantity", "refunded", "warehouse")
    list_filter = (("order__status", ChoicesDropdownFilter), ("warehouse", RelatedDropdownFilter),
                   ("order__placed_at", DateRangeFilter))
    list_select_related = ("order", "warehouse")
    search_fields = ("order__number__startswith", "sku__code__exact", "sku__product__code__exact")
    search_help_text = _("Order number or its beginning, exact SKU code or product code.")
    cost_fields = ("unit_cost", "unit_cost_amount")
    options = OrderLineInline.options
    unit_price = OrderLineInline.unit_price
    unit_cost = OrderLineInline.unit_cost
    line_total = OrderLineInline.line_total
    refunded = OrderLineInline.refunded


@admin.register(Payment)
class PaymentAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "order", "method", "amount_display", "status_display",
                    "failure_reason", "transaction_id", "actor")
    list_filter = (("status", ChoicesDropdownFilter), ("method", ChoicesDropdownFilter),
                   ("failure_reason", ChoicesDropdownFilter), ("created_at", DateRangeFilter))
    list_select_related = ("order", "actor")
    search_fields = ("order__number__startswith", "transaction_id__exact")
    search_help_text = _("Order number or its beginning, or the exact transaction id.")
    amount_display = PaymentInline.amount_display
    status_display = PaymentInline.status_display
