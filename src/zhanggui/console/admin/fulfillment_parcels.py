"""The parcel side of the shipment pages: lines, merge, split, ship, and making parcels of
reviewed orders. ``ShipmentParcels`` is mixed into ``ShipmentAdmin``."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from zhanggui.console.formatting import change_link
from zhanggui.console.mixins import ReadOnlyTabularInline, permission_check
from zhanggui.console.operations import Operation, OperationForm, run_bulk, run_single, run_standalone
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment import allocation, shipping
from zhanggui.fulfillment.models import Carrier, Shipment, ShipmentLine, ShipmentStatus
from zhanggui.inventory.models import Warehouse


class ShipmentLineInline(ReadOnlyTabularInline):
    model = ShipmentLine
    verbose_name_plural = _("contents")
    fields = ("order_link", "sku_code", "quantity", "packed_quantity")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line__order")

    @display(description=_("order"))
    def order_link(self, line: ShipmentLine) -> str:
        return change_link(line.order_line.order)

    @display(description=_("SKU code"))
    def sku_code(self, line: ShipmentLine) -> str:
        return line.order_line.sku_code


class MergeableFilter(admin.SimpleListFilter):
    """合单建议: the waiting parcels that have a partner of the same buyer and address in the
    same warehouse (``allocation.merge_candidates``), to select and merge."""

    title = _("merge suggestions")
    parameter_name = "mergeable"

    def lookups(self, request, model_admin):
        return [("1", _("can be merged"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        ids = [parcel.pk for group in allocation.merge_candidates() for parcel in group]
        return queryset.filter(pk__in=ids)


class SplitForm(OperationForm):
    """One quantity field per line of the parcel, and where the new parcel leaves from."""

    warehouse = forms.ModelChoiceField(
        label=_("new parcel leaves from"), queryset=Warehouse.objects.filter(is_active=True),
        required=False, help_text=_("empty: the same warehouse (ship the rest later)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(self.obj.lines.select_related("order_line__order")) if self.obj else []
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.order_line.order.number} · {line.order_line.sku_code}",
                min_value=0, max_value=line.quantity, initial=0, required=False,
                help_text=_("of %(units)d units") % {"units": line.quantity})


def _split(shipment: Shipment, data: dict, actor) -> Shipment:
    quantities = {int(name[5:]): units for name, units in data.items()
                  if name.startswith("line_") and units}
    if not quantities:
        raise InvalidInput()
    return allocation.split_shipment(shipment, quantities=quantities, actor=actor,
                                     warehouse=data.get("warehouse"))


class ShipParcelForm(OperationForm):
    carrier = forms.ChoiceField(label=_("carrier"), choices=[("", "—"), *Carrier.choices],
                                required=False, help_text=_("empty: the parcel's carrier"))
    tracking_number = forms.CharField(label=_("tracking number"), max_length=40, required=False,
                                      help_text=_("empty: the number assigned before"))


SPLIT = Operation(
    title=_("Split parcel"),
    perform=_split,
    done_message=_("Parcel split."),
    form_class=SplitForm,
    help_text=_("Move units to a new parcel: to ship what is ready now and the rest later, or "
                "to send part from another warehouse (its reservation moves there)."),
)
SHIP_PARCEL = Operation(
    title=_("Ship parcel"),
    perform=lambda shipment, data, actor: shipping.ship_shipment(
        shipment, carrier=data["carrier"] or None, tracking_number=data["tracking_number"] or None,
        actor=actor),
    done_message=_("Parcel shipped."),
    form_class=ShipParcelForm,
    help_text=_("Hand the parcel to its carrier: its reserved units leave the warehouse; an order "
                "is shipped once all its parcels have left."),
)
def _merge(shipments: list[Shipment], data: dict, actor) -> int:
    allocation.merge_shipments(shipments, actor=actor)
    return len(shipments)


MERGE = Operation(
    title=_("Merge parcels"),
    perform=_merge,
    done_message=_("%(count)d parcels merged into one."),
    batch=True,
    help_text=_("Waiting parcels of the same buyer and address, leaving one warehouse, become "
                "one parcel."),
)
ALLOCATE = Operation(
    title=_("Make parcels of reviewed orders"),
    perform=lambda _none, data, actor: allocation.allocate_orders(actor=actor),
    done_message=_("Reviewed orders are in parcels."),
    help_text=_("Every reviewed order's units not yet in a parcel get one, at the warehouse "
                "that holds their reservation (units not reserved: the nearest warehouse with "
                "stock, or per the split policy)."),
)


class ShipmentParcels:
    """Mixed into ``ShipmentAdmin``."""

    has_plan_shipments_permission = permission_check("fulfillment.plan_shipments")
    has_ship_order_permission = permission_check("fulfillment.ship_order")

    @staticmethod
    def split_possible(shipment: Shipment) -> bool:
        return shipment.status == ShipmentStatus.PENDING and shipment.wave_id is None

    @staticmethod
    def ship_possible(shipment: Shipment) -> bool:
        return shipment.status in shipping.SHIPPABLE

    @admin.action(description=_("Merge selected parcels"), permissions=["plan_shipments"])
    def merge_selected(self, request, queryset):
        return run_bulk(self, request, queryset, MERGE)

    @action(description=_("Split"), permissions=["plan_shipments"], icon="call_split",
            url_path="split")
    def split_one(self, request, object_id):
        return run_single(self, request, object_id, SPLIT)

    @action(description=_("Ship"), permissions=["ship_order"], icon="local_shipping",
            url_path="ship")
    def ship_one(self, request, object_id):
        return run_single(self, request, object_id, SHIP_PARCEL)

    @action(description=_("Make parcels of reviewed orders"), permissions=["plan_shipments"],
            icon="package_2", url_path="allocate")
    def allocate_orders(self, request):
        return run_standalone(self, request, ALLOCATE)
