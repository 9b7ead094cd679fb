"""Console pages of fulfillment: parcels (shipments) are made from reviewed orders and change
only through actions — merge, split, ship (fulfillment_parcels), tracking events
(fulfillment_carriers), mark delivered."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.admin.fulfillment_carriers import ShipmentTracking, TrackingEventInline
from zhanggui.console.admin.fulfillment_parcels import (
    MergeableFilter,
    ShipmentLineInline,
    ShipmentParcels,
)
from zhanggui.console.admin.fulfillment_waves import ShipmentWarehouseActions
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge
from zhanggui.console.list_search import IndexedSearchMixin
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, permission_check
from zhanggui.console.operations import Operation, run_bulk, run_single
from zhanggui.fulfillment import actions
from zhanggui.fulfillment.models import Shipment, ShipmentStatus

DELIVERED = Operation(
    title=_("Mark shipments delivered"),
    perform=lambda shipment, data, actor: actions.mark_delivered(shipment, actor=actor),
    done_message=_("%(count)d shipment(s) marked delivered."),
)


@admin.register(Shipment)
class ShipmentAdmin(ShipmentParcels, ShipmentTracking, ShipmentWarehouseActions,
                    IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("__str__", "tracking_number", "carrier", "order", "warehouse",
                    "status_display", "routing_reason", "wave", "shipped_at", "delivered_at")
    list_filter = (("status", ChoicesDropdownFilter), ("carrier", ChoicesDropdownFilter),
                   ("warehouse", RelatedDropdownFilter), ("routing_reason", ChoicesDropdownFilter),
                   MergeableFilter, ("shipped_at", DateRangeFilter))
    list_select_related = ("order", "warehouse", "wave")
    search_fields = ("tracking_number__startswith", "order__number__startswith")
    search_help_text = _("Tracking number or order number, or their beginning.")
    actions = ["merge_selected", "mark_delivered_selected",
               *ShipmentWarehouseActions.warehouse_actions]
    actions_detail = ["ship_one", "split_one", "mark_delivered_one", "record_event_one"]
    actions_list = ["allocate_orders"]
    inlines = [ShipmentLineInline, TrackingEventInline]  # contents, then the timeline

    has_mark_delivered_permission = permission_check("fulfillment.mark_delivered")

    def detail_action_possible(self, shipment: Shipment, action_name: str) -> bool:
        possible = getattr(self, action_name.removesuffix("_one") + "_possible", None)
        if possible is not None:  # split_possible, ship_possible, record_event_possible
            return possible(shipment)
        return shipment.status in (ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT)

    @display(description=_("status"), ordering="status")
    def status_display(self, shipment: Shipment) -> str:
        return badge(shipment.status, shipment.get_status_display())

    @admin.action(description=_("Mark selected shipments delivered"),
                  permissions=["mark_delivered"])
    def mark_delivered_selected(self, request, queryset):
        return run_bulk(self, request, queryset, DELIVERED)

    @action(description=_("Mark delivered"), permissions=["mark_delivered"], icon="inventory",
            url_path="mark-delivered")
    def mark_delivered_one(self, request, object_id):
        return run_single(self, request, object_id, DELIVERED)
