"""Console pages of purchase orders: the list (status, supplier, warehouse, overdue), the
order's page with its lines and receipts, and the steps send / receive / close / cancel / PDF
as detail actions (``admin:suppliers_purchaseorder_<step>``).

A draft's lines are edited on its page (an inline; saved with
``update_purchase_order_lines``); a new order is entered the same way
(``create_purchase_order``). The receive page (``receiving_form.py``) asks, per line, the
units accepted, rejected with a reason, and short. Unit costs, totals and freight are shown
only with ``catalog.view_cost``.
"""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.utils import display_for_label

from zhanggui.console import history
from zhanggui.console.admin.receiving_form import receive_view
from zhanggui.console.formatting import STATUS_COLOURS
from zhanggui.console.forms import NoteForm, ReasonForm
from zhanggui.console.mixins import (
    COST_PERMISSION,
    ConsoleModelAdmin,
    FieldAccessMixin,
    adopt,
    permission_check,
)
from zhanggui.console.operations import Operation, run_single
from zhanggui.suppliers import actions, documents, queries
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    ReceiptLine,
)

Status = PurchaseOrderStatus
STEPS = {  # detail action → the statuses it applies to
    "send": (Status.DRAFT,),
    "receive": (Status.SENT, Status.PARTLY_RECEIVED),
    "close": (Status.RECEIVED, Status.PARTLY_RECEIVED),
    "cancel": (Status.DRAFT, Status.SENT, Status.PARTLY_RECEIVED),
}

SEND = Operation(
    title=_("Send to the supplier"),
    perform=lambda po, data, actor: actions.send_purchase_order(po, actor=actor),
    done_message=_("Purchase order sent."),
    help_text=_("The order's lines can no longer change; it is expected after the longest "
                "lead time of its items."))
CLOSE = Operation(
    title=_("Close the purchase order"),
    perform=lambda po, data, actor: actions.close_purchase_order(po, note=data.get("note", ""),
                                                                 actor=actor),
    done_message=_("Purchase order closed."), form_class=NoteForm,
    help_text=_("A partly received order closed now expects nothing more."))
CANCEL = Operation(
    title=_("Cancel the purchase order"),
    perform=lambda po, data, actor: actions.cancel_purchase_order(po, reason=data["reason"],
                                                                  actor=actor),
    done_message=_("Purchase order cancelled."), form_class=ReasonForm)


COLOURS = {**STATUS_COLOURS, "sent": "info", "partly_received": "warning",
           "received": "primary", "closed": "success"}


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class OverdueFilter(admin.SimpleListFilter):
    """Awaited orders past their expected day (the workbench counts the same)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(queries.overdue_condition(timezone.localdate()))
        return queryset


class PurchaseOrderLineInline(FieldAccessMixin, TabularInline):
    """The lines: edited while the order is a draft, read-only afterwards."""

    model = PurchaseOrderLine
    extra = 0
    fields = ("sku", "quantity", "unit_cost", "received_quantity", "rejected_quantity")
    readonly_fields = ("received_quantity", "rejected_quantity")
    autocomplete_fields = ("sku",)
    cost_fields = ("unit_cost",)
    hide_title = True

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == Status.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and request.user.has_perm("suppliers.change_purchaseorder")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and request.user.has_perm("suppliers.change_purchaseorder")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and request.user.has_perm("suppliers.change_purchaseorder")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("suppliers.view_purchaseorder")

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 1 if obj is None else 0


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("number", "supplier", "warehouse", "status_badge", "source", "expected_on",
                    "overdue", "units", "total_cost", "created_at")
    list_filter = (("status", ChoicesDropdownFilter), OverdueFilter,
                   ("supplier", RelatedDropdownFilter),
                   ("warehouse", RelatedDropdownFilter), ("source", ChoicesDropdownFilter))
    search_fields = ("number", "supplier__code", "supplier__name")
    list_select_related = ("supplier", "warehouse")
    inlines = (PurchaseOrderLineInline,)
    cost_fields = ("total_cost", "freight_amount")
    actions_detail = ["send", "receive", "close", "cancel", "pdf"]
    readonly_fields = ("number", "status_badge", "source", "expected_on", "sent_at",
                       "received_at", "closed_at", "cancelled_at", "cancel_reason",
                       "freight_amount", "created_by", "created_at", "receipts_display")

    has_send_purchaseorder_permission = permission_check("suppliers.send_purchaseorder")
    has_receive_purchaseorder_permission = permission_check("suppliers.receive_purchaseorder")
    has_close_purchaseorder_permission = permission_check("suppliers.close_purchaseorder")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("supplier", "warehouse", "note")})]
        receipts = ("freight_amount", "receipts_display") if request.user.has_perm(
            COST_PERMISSION) else ("receipts_display",)
        return [
            (None, {"fields": ("number", "status_badge", "supplier", "warehouse", "note")}),
            (_("Dates"), {"fields": ("source", "created_by", "created_at", "sent_at",
                                     "expected_on", "received_at", "closed_at",
                                     "cancelled_at", "cancel_reason")}),
            (_("Receipts"), {"fields": receipts}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["supplier", "warehouse"]
            if obj.status != Status.DRAFT:
                fields.append("note")
        return fields

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("lines")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == Status.DRAFT)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancelled with a reason, never deleted

    def detail_action_possible(self, po: PurchaseOrder, action_name: str) -> bool:
        return po.status in STEPS.get(action_name, tuple(Status.values))

    # ---- columns ----

    @display(description=_("status"), ordering="status")
    def status_badge(self, po: PurchaseOrder) -> str:
        return display_for_label((po.status, po.get_status_display()), "—", COLOURS)

    @display(description=_("overdue"), boolean=True)
    def overdue(self, po: PurchaseOrder) -> bool:
        return bool(po.expected_on and po.status in (Status.SENT, Status.PARTLY_RECEIVED)
                    and po.expected_on < timezone.localdate())

    @display(description=_("units received / ordered"))
    def units(self, po: PurchaseOrder) -> str:
        lines = po.lines.all()
        return (f"{sum(line.received_quantity for line in lines)} / "
                f"{sum(line.quantity for line in lines)}")

    @display(description=_("total cost"))
    def total_cost(self, po: PurchaseOrder) -> Decimal:
        return sum((line.unit_cost * line.quantity for line in po.lines.all()), Decimal("0.00"))

    @display(description=_("receipts"))
    def receipts_display(self, po: PurchaseOrder) -> str:
        receipts = list(po.receipts.select_related("received_by").prefetch_related(
            Prefetch("lines", queryset=ReceiptLine.objects.select_related("line__sku"))))
        if not receipts:
            return "—"
        rows = []
        for receipt in receipts:
            parts = format_html_join("; ", "{} +{} / −{} {} / {} {}", (
                (line.line.sku.code, line.accepted, line.rejected,
                 line.get_reject_reason_display() if line.rejected else "", _("short"),
                 line.short) for line in receipt.lines.all()))
            rows.append((receipt.number, timezone.localtime(receipt.received_at)
                         .strftime("%Y-%m-%d %H:%M"), receipt.received_by or "—", parts))
        return format_html('<ul class="receipts">{}</ul>', format_html_join(
            "", '<li><strong>{}</strong> {} · {} · {}</li>', rows))

    # ---- saving (through actions) ----

    def save_model(self, request, obj, form, change) -> None:
        """Nothing here: the order and its lines are saved together in ``save_related``."""

    def save_related(self, request, form, formsets, change) -> None:
        lines, costs = [], {}
        for formset in formsets:
            for line_form in formset.forms:
                data = getattr(line_form, "cleaned_data", None)
                if not data or data.get("DELETE") or not data.get("sku"):
                    continue
                lines.append((data["sku"], data["quantity"]))
                if data.get("unit_cost") is not None and (
                        not change or "unit_cost" in line_form.changed_data):
                    costs[data["sku"].pk] = data["unit_cost"]
        if change:
            actions.update_purchase_order_lines(form.instance, lines=lines, unit_costs=costs,
                                                note=form.cleaned_data.get("note"),
                                                actor=request.user)
            return
        po = actions.create_purchase_order(
            form.cleaned_data["supplier"], warehouse=form.cleaned_data["warehouse"],
            lines=lines, unit_costs=costs, note=form.cleaned_data.get("note", ""),
            actor=request.user)
        adopt(form.instance, po)

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # the formsets were not saved by the admin (the action saved the lines)

    # ---- steps ----

    @action(description=_("Send"), permissions=["send_purchaseorder"], icon="send",
            url_path="send")
    def send(self, request, object_id):
        return run_single(self, request, object_id, SEND)

    @action(description=_("Receive"), permissions=["receive_purchaseorder"], icon="inventory",
            url_path="receive")
    def receive(self, request, object_id):
        return receive_view(self, request, object_id)

    @action(description=_("Close"), permissions=["close_purchaseorder"], icon="task_alt",
            url_path="close")
    def close(self, request, object_id):
        return run_single(self, request, object_id, CLOSE)

    @action(description=_("Cancel"), permissions=["close_purchaseorder"], icon="cancel",
            url_path="cancel")
    def cancel(self, request, object_id):
        return run_single(self, request, object_id, CANCEL)

    @action(description=_("PDF"), icon="picture_as_pdf", url_path="pdf")
    def pdf(self, request, object_id):
        po = self.get_object(request, object_id)
        if po is None or not self.has_view_permission(request, po):
            raise PermissionDenied
        show_costs = request.user.has_perm(COST_PERMISSION)
        return pdf_response(documents.purchase_order_pdf(po, show_costs=show_costs),
                            f"{po.number}.pdf")
