"""Console pages of supplier records (finance and the owner): suppliers with their contacts
and items (saved through ``suppliers.actions``), the messages exchanged, the supply policy
(the owner's), and the cost history of SKUs (``inventory.CostChange``, linked from the SKU
page). Unit costs are hidden without ``catalog.view_cost``.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from zhanggui.accounts.actions import save_record
from zhanggui.console import history
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    FieldAccessMixin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    SingletonAdminMixin,
    adopt,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_single
from zhanggui.inventory.models import CostChange
from zhanggui.suppliers import actions
from zhanggui.suppliers.actions_master import CONTACT_FIELDS, ITEM_FIELDS, SUPPLIER_FIELDS
from zhanggui.suppliers.models import (
    MessageDirection,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierMessage,
    SupplyPolicy,
)


class SupplierContactInline(TabularInline):
    model = SupplierContact
    extra = 0
    fields = CONTACT_FIELDS
    hide_title = True


class SupplierItemInline(FieldAccessMixin, TabularInline):
    model = SupplierItem
    extra = 0
    fields = ("sku", "supplier_code", "unit_cost", "moq", "pack_size", "lead_time_days",
              "lead_time_std_days", "is_preferred")
    readonly_fields = ("lead_time_std_days",)  # observed from receipts
    autocomplete_fields = ("sku",)
    cost_fields = ("unit_cost",)
    hide_title = True


class SupplierMessageInline(ReadOnlyTabularInline):
    model = SupplierMessage
    fields = ("sent_at", "direction", "body", "purchase_order", "staff")
    ordering = ("-sent_at",)


class MessageForm(OperationForm):
    direction = forms.ChoiceField(label=_("direction"), choices=MessageDirection.choices,
                                  widget=UnfoldAdminSelectWidget())
    body = forms.CharField(label=_("message"), max_length=5000,
                           widget=UnfoldAdminTextareaWidget())


RECORD_MESSAGE = Operation(
    title=_("Record a message"),
    perform=lambda supplier, data, actor: actions.record_supplier_message(
        supplier, direction=data["direction"], body=data["body"], actor=actor),
    done_message=_("Message recorded."), form_class=MessageForm,
    help_text=_("Messages to and from the supplier measure how fast it replies."))


@admin.register(Supplier)
class SupplierAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "name", "payment_terms", "item_count", "warehouse", "is_active")
    list_filter = (("payment_terms", ChoicesDropdownFilter), "is_active")
    search_fields = ("code", "name")
    fields = ("code", "name", "payment_terms", "is_active", "note", "warehouse",
              "created_at", "updated_at")
    readonly_fields = ("warehouse", "created_at", "updated_at")  # drop-ship: set with the feed
    inlines = (SupplierContactInline, SupplierItemInline, SupplierMessageInline)
    actions_detail = ["record_message"]

    has_add_suppliermessage_permission = permission_check("suppliers.add_suppliermessage")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(items_total=Count("items"))

    @display(description=_("SKUs supplied"), ordering="items_total")
    def item_count(self, supplier: Supplier) -> int:
        return supplier.items_total

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in SUPPLIER_FIELDS
                if name in form.cleaned_data}
        if change:
            saved = actions.update_supplier(obj, actor=request.user, **{
                name: data[name] for name in form.changed_data if name in data})
        else:
            saved = actions.create_supplier(data.pop("code"), name=data.pop("name"),
                                            actor=request.user, **data)
        adopt(obj, saved)

    def delete_model(self, request, obj) -> None:
        from zhanggui.accounts.actions import delete_record

        delete_record(obj, actor=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        supplier = form.instance
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if isinstance(obj, SupplierItem):
                actions.delete_supplier_item(obj, actor=request.user)
            else:
                actions.delete_supplier_contact(obj, actor=request.user)
        for obj in instances:
            if isinstance(obj, SupplierItem):
                stored = SupplierItem.objects.filter(pk=obj.pk).first() if obj.pk else None
                if stored is not None and stored.sku_id != obj.sku_id:  # the row's SKU changed
                    actions.delete_supplier_item(stored, actor=request.user)
                actions.save_supplier_item(supplier, obj.sku, actor=request.user, **{
                    name: getattr(obj, name) for name in ITEM_FIELDS
                    if name != "lead_time_std_days"})
            elif isinstance(obj, SupplierContact):
                actions.save_supplier_contact(
                    supplier, contact=obj if obj.pk else None, actor=request.user,
                    **{name: getattr(obj, name) for name in CONTACT_FIELDS})

    @action(description=_("Record a message"), permissions=["add_suppliermessage"],
            icon="forum", url_path="record-message")
    def record_message(self, request, object_id):
        return run_single(self, request, object_id, RECORD_MESSAGE)


@admin.register(SupplyPolicy)
class SupplyPolicyAdmin(SingletonAdminMixin, ConsoleModelAdmin):
    """The one policy row: the owner changes it (finance reads it)."""

    change_form_after_template = history.TEMPLATE
    list_display = ("__str__", "service_level", "review_days", "commission_rate",
                    "roi_alert_below", "feed_stale_minutes", "slow_mover_days")


    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("suppliers.change_supply_policy")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        save_record(obj, actor=request.user, changed_fields=form.changed_data)


@admin.register(CostChange)
class CostChangeAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """A SKU's cost history: each receipt's landed cost averaged into the cost. Filter by
    SKU (the SKU page links here)."""

    list_display = ("changed_at", "sku", "reference", "quantity", "unit_landed_cost",
                    "on_hand_before", "cost_before", "cost_after", "actor")
    # thousands of SKUs: searched, not listed; the SKU page links with ?sku__id__exact=<id>
    list_filter = (("sku", AutocompleteSelectFilter),)
    search_fields = ("sku__code", "reference")
    list_select_related = ("sku", "actor")
    cost_fields = ("unit_landed_cost", "cost_before", "cost_after")
