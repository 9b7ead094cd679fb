"""The parts of the order page that belong to later domains: shipments, after-sales
requests and refunds as read-only inlines, and the operations that ship, deliver and
refund an order. They live in the console, which may depend on every domain, so that
``orders`` itself stays independent of fulfillment and after-sales."""

from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest, Refund
from zhanggui.console.formatting import badge, change_link, money
from zhanggui.console.forms import AftersalesRequestForm, RefundForm, ShipForm, line_quantities
from zhanggui.console.mixins import ReadOnlyTabularInline
from zhanggui.console.operations import Operation
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment import actions as fulfillment_actions
from zhanggui.fulfillment.models import Shipment, ShipmentStatus
from zhanggui.orders.models import Order, OrderStatus


def _mark_delivered(order: Order, actor) -> Shipment:
    shipment = (Shipment.objects.filter(lines__order_line__order=order,
                                        status__in=(ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT))
                .order_by("shipped_at").first())
    if shipment is None:
        raise InvalidTransition(current=order.get_status_display(),
                                target=OrderStatus.DELIVERED.label)
    return fulfillment_actions.mark_delivered(shipment, actor=actor)


SHIP = Operation(
    title=_("Ship orders"),
    perform=lambda order, data, actor: fulfillment_actions.ship_order(
        order, carrier=data["carrier"], tracking_number=data["tracking_number"], actor=actor),
    done_message=_("%(count)d order(s) shipped."),
    form_class=ShipForm,
    per_object=True,
    help_text=_("Enter the carrier and tracking number of each parcel. Only reviewed orders "
                "can be shipped; their reserved units leave the warehouse."),
)
MARK_DELIVERED = Operation(
    title=_("Mark delivered"),
    perform=lambda order, data, actor: _mark_delivered(order, actor),
    done_message=_("%(count)d order(s) marked delivered."),
)
OPEN_AFTERSALES = Operation(
    title=_("Open an after-sales request"),
    perform=lambda order, data, actor: aftersales_actions.request_aftersales(
        order, kind=data["kind"], reason_code=data["reason_code"],
        lines=line_quantities(data), requested_amount=data["requested_amount"],
        buyer_note=data["buyer_note"], actor=actor),
    done_message=_("After-sales request opened."),
    form_class=AftersalesRequestForm,
    help_text=_("For a return or an exchange, enter the units that come back; a refund-only "
                "request needs none."),
)
REFUND_ORDER = Operation(
    title=_("Issue refund"),
    perform=lambda order, data, actor: aftersales_actions.issue_refund(
        order, amount=data["amount"], reason=data["reason"], actor=actor),
    done_message=_("Refund issued."),
    form_class=RefundForm,
    per_object=True,
    help_text=_("Never more than was paid minus earlier refunds. A full refund of an order "
                "not yet shipped cancels it and releases its stock."),
)


class ShipmentInline(ReadOnlyTabularInline):
    model = Shipment
    fields = ("tracking_number_link", "carrier", "warehouse", "status_display", "shipped_at",
              "delivered_at", "shipped_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("warehouse", "shipped_by")

    @display(description=_("tracking number"))
    def tracking_number_link(self, shipment: Shipment) -> str:
        return change_link(shipment, shipment.tracking_number)

    @display(description=_("status"))
    def status_display(self, shipment: Shipment) -> str:
        return badge(shipment.status, shipment.get_status_display())


class AftersalesRequestInline(ReadOnlyTabularInline):
    model = AftersalesRequest
    fields = ("number_link", "kind", "reason_code", "status_display",
              "requested_amount_display", "requested_at", "decision_note")

    @display(description=_("request number"))
    def number_link(self, aftersales_request: AftersalesRequest) -> str:
        return change_link(aftersales_request, aftersales_request.number)

    @display(description=_("status"))
    def status_display(self, aftersales_request: AftersalesRequest) -> str:
        return badge(aftersales_request.status, aftersales_request.get_status_display())

    @display(description=_("amount requested"))
    def requested_amount_display(self, aftersales_request: AftersalesRequest) -> str:
        return money(aftersales_request.requested_amount, aftersales_request.order.currency)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ("created_at", "amount_display", "reason", "request", "actor")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request", "actor")

    @display(description=_("amount"))
    def amount_display(self, refund: Refund) -> str:
        return money(refund.amount, refund.currency)
