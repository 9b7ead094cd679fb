"""Console pages of inventory: stock changes only through receive/adjust actions with a
reason; the movement ledger and reservations are read-only."""

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge, signed
from zhanggui.console.forms import AdjustForm, ReceiveForm, ReceiveNewStockForm
from zhanggui.console.list_search import IndexedSearchMixin
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    MasterDataAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    permission_check,
)
from zhanggui.console.operations import Operation, run_bulk, run_single, run_standalone
from zhanggui.inventory import actions
from zhanggui.inventory.models import Reservation, Stock, StockMovement, Warehouse

RECEIVE = Operation(
    title=_("Receive stock"),
    perform=lambda stock, data, actor: actions.receive_stock(
        stock.sku, warehouse=stock.warehouse, quantity=data["quantity"], reason=data["reason"],
        reference=data["reference"], actor=actor),
    done_message=_("Stock received for %(count)d row(s)."),
    form_class=ReceiveForm,
    per_object=True,
)
RECEIVE_NEW = Operation(
    title=_("Receive stock into a warehouse"),
    perform=lambda _none, data, actor: actions.receive_stock(
        data["sku_code"], warehouse=data["warehouse"], quantity=data["quantity"],
        reason=data["reason"], reference=data["reference"], actor=actor),
    done_message=_("Stock received."),
    form_class=ReceiveNewStockForm,
    help_text=_("Books an inbound receipt for any SKU, also one not yet stocked in the "
                "warehouse."),
)
ADJUST = Operation(
    title=_("Adjust stock"),
    perform=lambda stock, data, actor: actions.adjust_stock(
        stock.sku, warehouse=stock.warehouse, delta=data["delta"], kind=data["kind"],
        reason=data["reason"], actor=actor),
    done_message=_("Stock adjusted for %(count)d row(s)."),
    form_class=AdjustForm,
    per_object=True,
    help_text=_("Corrects on-hand units after a count, damage or loss. "
                "On hand can never fall below what is reserved."),
)


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("low", _("below the low-stock threshold")), ("out", _("none available"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "low":
            return queryset.filter(available__lt=F("low_stock_threshold"))
        if self.value() == "out":
            return queryset.filter(available__lte=0)
        return queryset


class MovementInline(ReadOnlyTabularInline):
    model = StockMovement
    fields = ("created_at", "kind", "on_hand_delta", "reserved_delta", "on_hand_after",
              "reserved_after", "reason", "reference", "actor")
    ordering = ("-created_at", "-id")
    per_page = 10

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Stock)
class StockAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("sku", "product_title", "warehouse", "on_hand", "reserved", "available",
                    "level_display", "updated_at")
    list_filter = (("warehouse", RelatedDropdownFilter), LowStockFilter,
                   ("sku__product__category", RelatedDropdownFilter))
    list_select_related = ("sku__product", "warehouse")
    search_fields = ("sku__code", "sku__barcode", "sku__product__title", "sku__product__code")
    fields = ("sku", "product_title", "warehouse", "on_hand", "reserved", "available",
              "low_stock_threshold", "updated_at")
    inlines = [MovementInline]
    actions = ["receive_selected", "adjust_selected"]
    actions_detail = ["receive_one", "adjust_one"]
    actions_list = ["receive_new"]

    has_receive_stock_permission = permission_check("inventory.receive_stock")
    has_adjust_stock_permission = permission_check("inventory.adjust_stock")

    @display(description=_("product"), ordering="sku__product__title")
    def product_title(self, stock: Stock) -> str:
        return stock.sku.product.title

    @display(description=_("stock level"))
    def level_display(self, stock: Stock) -> str:
        return badge("low", _("low")) if stock.is_low else badge("ok", _("enough"))

    @admin.action(description=_("Receive stock (inbound)"), permissions=["receive_stock"])
    def receive_selected(self, request, queryset):
        return run_bulk(self, request, queryset, RECEIVE)

    @admin.action(description=_("Adjust stock (with a reason)"), permissions=["adjust_stock"])
    def adjust_selected(self, request, queryset):
        return run_bulk(self, request, queryset, ADJUST)

    @action(description=_("Receive"), permissions=["receive_stock"], icon="input",
            url_path="receive")
    def receive_one(self, request, object_id):
        return run_single(self, request, object_id, RECEIVE)

    @action(description=_("Adjust"), permissions=["adjust_stock"], icon="tune",
            url_path="adjust")
    def adjust_one(self, request, object_id):
        return run_single(self, request, object_id, ADJUST)

    @action(description=_("Receive stock into a warehouse"), permissions=["receive_stock"],
            icon="add_box", url_path="receive-new")
    def receive_new(self, request):
        return run_standalone(self, request, RECEIVE_NEW)


@admin.register(StockMovement)
class StockMovementAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "sku_code", "warehouse", "kind", "on_hand_change",
                    "reserved_change", "on_hand_after", "reserved_after", "reason", "reference",
                    "actor")
    list_filter = (("kind", ChoicesDropdownFilter),
                   ("stock__warehouse", RelatedDropdownFilter), ("created_at", DateRangeFilter))
    list_select_related = ("stock__sku", "stock__warehouse", "actor")
    search_fields = ("reference__exact", "stock__sku__code__exact")
    search_help_text = _("Exact reference (such as order:<order number>) or SKU code.")

    @display(description=_("SKU"), ordering="stock__sku__code")
    def sku_code(self, movement: StockMovement) -> str:
        return movement.stock.sku.code

    @display(description=_("warehouse"), ordering="stock__warehouse__name")
    def warehouse(self, movement: StockMovement) -> str:
        return movement.stock.warehouse.name

    @display(description=_("on-hand change"), ordering="on_hand_delta")
    def on_hand_change(self, movement: StockMovement) -> str:
        return signed(movement.on_hand_delta)

    @display(description=_("reserved change"), ordering="reserved_delta")
    def reserved_change(self, movement: StockMovement) -> str:
        return signed(movement.reserved_delta)


@admin.register(Reservation)
class ReservationAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("reference", "sku_code", "warehouse", "quantity", "status_display",
                    "created_at", "closed_at")
    list_filter = (("status", ChoicesDropdownFilter), ("stock__warehouse", RelatedDropdownFilter),
                   ("created_at", DateRangeFilter))
    list_select_related = ("stock__sku", "stock__warehouse")
    search_fields = ("reference__exact", "stock__sku__code__exact")
    search_help_text = _("Exact reference (such as order:<order number>) or SKU code.")

    @display(description=_("SKU"), ordering="stock__sku__code")
    def sku_code(self, reservation: Reservation) -> str:
        return reservation.stock.sku.code

    @display(description=_("warehouse"), ordering="stock__warehouse__name")
    def warehouse(self, reservation: Reservation) -> str:
        return reservation.stock.warehouse.name

    @display(description=_("status"), ordering="status")
    def status_display(self, reservation: Reservation) -> str:
        return badge(reservation.status, reservation.get_status_display())


@admin.register(Warehouse)
class WarehouseAdmin(MasterDataAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "name", "kind", "province_code", "city", "is_active",
                    "feed_synced_at")
    list_filter = (("kind", ChoicesDropdownFilter), ("province_code", ChoicesDropdownFilter),
                   "is_active")
    search_fields = ("code", "name", "city")
    # Drop-ship warehouses: the time of the supplier's last stock feed (set by the feed only).
    readonly_fields = ("feed_synced_at", "created_at", "updated_at")
