"""Console pages of after-sales: requests are decided, their goods received and refunds
issued only through admin actions that call the after-sales actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from zhanggui.aftersales import actions
from zhanggui.aftersales.models import (
    AftersalesLine,
    AftersalesRequest,
    Refund,
    RequestKind,
    RequestStatus,
)
from zhanggui.console import history
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge, money
from zhanggui.console.forms import NoteForm, ReasonForm, ReceiveReturnForm, RefundForm
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    permission_check,
)
from zhanggui.console.operations import Operation, run_bulk, run_single
from zhanggui.console.workbench.filters import AftersalesTodoFilter


def _dispositions(data: dict) -> dict[int, str]:
    return {int(name.removeprefix("line_")): value for name, value in data.items()
            if name.startswith("line_")}


APPROVE = Operation(
    title=_("Approve requests"),
    perform=lambda aftersales_request, data, actor: actions.approve_request(
        aftersales_request, note=data.get("note", ""), actor=actor),
    done_message=_("%(count)d request(s) approved."),
    form_class=NoteForm,
)
REJECT = Operation(
    title=_("Reject requests"),
    perform=lambda aftersales_request, data, actor: actions.reject_request(
        aftersales_request, note=data["reason"], actor=actor),
    done_message=_("%(count)d request(s) rejected."),
    form_class=ReasonForm,
    help_text=_("The reason is shown to the buyer."),
)
RECEIVE_RETURN = Operation(
    title=_("Receive returned goods"),
    perform=lambda aftersales_request, data, actor: actions.receive_return(
        aftersales_request, dispositions=_dispositions(data), actor=actor),
    done_message=_("Returned goods received for %(count)d request(s)."),
    form_class=ReceiveReturnForm,
    per_object=True,
    help_text=_("Restocked units go back on hand in the warehouse they shipped from; "
                "scrapped units never re-enter stock."),
)
REFUND_REQUEST = Operation(
    title=_("Issue refund"),
    perform=lambda aftersales_request, data, actor: actions.issue_refund(
        aftersales_request.order, amount=data["amount"], reason=data["reason"],
        request=aftersales_request, actor=actor),
    done_message=_("%(count)d refund(s) issued."),
    form_class=RefundForm,
    per_object=True,
    help_text=_("Never more than was paid minus earlier refunds."),
)


class AftersalesLineInline(ReadOnlyTabularInline):
    model = AftersalesLine
    fields = ("product_title", "sku_code", "quantity", "disposition")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line")

    @display(description=_("product title"))
    def product_title(self, line: AftersalesLine) -> str:
        return line.order_line.product_title

    @display(description=_("SKU code"))
    def sku_code(self, line: AftersalesLine) -> str:
        return line.order_line.sku_code


class RequestRefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ("created_at", "amount_display", "reason", "actor")

    @display(description=_("amount"))
    def amount_display(self, refund: Refund) -> str:
        return money(refund.amount, refund.currency)


@admin.register(AftersalesRequest)
class AftersalesRequestAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("number", "order", "kind", "reason_code", "status_display",
                    "requested_amount_display", "requested_at", "decided_at")
    list_filter = (("status", ChoicesDropdownFilter), ("kind", ChoicesDropdownFilter),
                   ("reason_code", ChoicesDropdownFilter), ("requested_at", DateRangeFilter),
                   AftersalesTodoFilter)  # the workbench's to-dos link here
    list_select_related = ("order",)
    search_fields = ("number", "order__number")
    fieldsets = (
        (_("Request"), {"fields": (("number", "status_display"), ("order", "kind", "reason_code"),
                                   ("requested_amount_display", "requested_at"), "buyer_note")}),
        (_("Decision"), {"fields": (("decided_at", "received_at", "closed_at"),
                                    "decision_note")}),
    )
    inlines = [AftersalesLineInline, RequestRefundInline]
    actions = ["approve_selected", "reject_selected", "receive_selected", "refund_selected"]
    actions_detail = ["approve_one", "reject_one", "receive_one", "refund_one"]

    has_decide_request_permission = permission_check("aftersales.decide_request")
    has_receive_return_permission = permission_check("aftersales.receive_return")
    has_issue_refund_permission = permission_check("aftersales.issue_refund")

    def object_history(self, request, aftersales_request: AftersalesRequest) -> list:
        order = aftersales_request.order
        line_names = {str(pk): code for pk, code in order.lines.values_list("pk", "sku_code")}
        return history.object_history(aftersales_request, request.user, order.currency,
                                      line_names)

    def detail_action_possible(self, aftersales_request: AftersalesRequest,
                               action_name: str) -> bool:
        status, kind = aftersales_request.status, aftersales_request.kind
        goods_back = kind in (RequestKind.RETURN, RequestKind.EXCHANGE)
        refund_ready = (RequestStatus.APPROVED if kind == RequestKind.REFUND_ONLY
                        else RequestStatus.RECEIVED)
        possible = {
            "approve_one": status == RequestStatus.REQUESTED,
            "reject_one": status == RequestStatus.REQUESTED,
            "receive_one": goods_back and status == RequestStatus.APPROVED,
            "refund_one": kind != RequestKind.EXCHANGE and status == refund_ready,
        }
        return possible.get(action_name, True)

    @display(description=_("status"), ordering="status")
    def status_display(self, aftersales_request: AftersalesRequest) -> str:
        return badge(aftersales_request.status, aftersales_request.get_status_display())

    @display(description=_("amount requested"), ordering="requested_amount")
    def requested_amount_display(self, aftersales_request: AftersalesRequest) -> str:
        return money(aftersales_request.requested_amount, aftersales_request.order.currency)

    @admin.action(description=_("Approve selected requests"), permissions=["decide_request"])
    def approve_selected(self, request, queryset):
        return run_bulk(self, request, queryset, APPROVE)

    @admin.action(description=_("Reject selected requests (with a reason)"),
                  permissions=["decide_request"])
    def reject_selected(self, request, queryset):
        return run_bulk(self, request, queryset, REJECT)

    @admin.action(description=_("Receive returned goods (restock or scrap)"),
                  permissions=["receive_return"])
    def receive_selected(self, request, queryset):
        return run_bulk(self, request, queryset, RECEIVE_RETURN)

    @admin.action(description=_("Issue refunds for selected requests"),
                  permissions=["issue_refund"])
    def refund_selected(self, request, queryset):
        return run_bulk(self, request, queryset, REFUND_REQUEST)

    @action(description=_("Approve"), permissions=["decide_request"], icon="check_circle",
            url_path="approve")
    def approve_one(self, request, object_id):
        return run_single(self, request, object_id, APPROVE)

    @action(description=_("Reject"), permissions=["decide_request"], icon="block",
            url_path="reject")
    def reject_one(self, request, object_id):
        return run_single(self, request, object_id, REJECT)

    @action(description=_("Receive goods"), permissions=["receive_return"],
            icon="move_to_inbox", url_path="receive")
    def receive_one(self, request, object_id):
        return run_single(self, request, object_id, RECEIVE_RETURN)

    @action(description=_("Refund"), permissions=["issue_refund"], icon="currency_exchange",
            url_path="refund")
    def refund_one(self, request, object_id):
        return run_single(self, request, object_id, REFUND_REQUEST)


@admin.register(AftersalesLine)
class AftersalesLineAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("request", "order_line", "quantity", "disposition")
    list_filter = (("disposition", ChoicesDropdownFilter),
                   ("request__reason_code", ChoicesDropdownFilter))
    list_select_related = ("request", "order_line")
    search_fields = ("request__number", "order_line__sku_code", "request__order__number")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "order", "request", "amount_display", "reason", "actor")
    list_filter = (("created_at", DateRangeFilter),)
    list_select_related = ("order", "request", "actor")
    search_fields = ("order__number", "request__number", "reason")
    amount_display = RequestRefundInline.amount_display
