"""Fulfillment reads."""

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.core.search import Found, Hit, SearchQuery, code_condition, may_view
from zhanggui.core.singletons import read_singleton
from zhanggui.fulfillment.models import FulfillmentPolicy, Shipment


def fulfillment_policy() -> FulfillmentPolicy:
    """The shop's fulfillment settings (the defaults, unsaved, until someone changes them)."""
    return read_singleton(FulfillmentPolicy)


def get_shipment(shipment_id: int) -> Shipment:
    try:
        return Shipment.objects.select_related("order", "warehouse").get(pk=shipment_id)
    except Shipment.DoesNotExist:
        raise NotFound() from None


def list_shipments(*, order_id: int | None = None, carrier: str | None = None) -> QuerySet[Shipment]:
    qs = Shipment.objects.select_related("order", "warehouse")
    if order_id:
        qs = qs.filter(order_id=order_id)
    if carrier:
        qs = qs.filter(carrier=carrier)
    return qs


# A carrier's numbers share their first letters and digits (SF14…, JDVA…): a prefix
# selects few shipments only from this length (measured: 6 characters of a common prefix
# match 100,000 of 800,000 shipments, 8 characters a few thousand at most).
TRACKING_PREFIX = 8


def search(query: SearchQuery, *, user, limit: int) -> Found:
    """Shipments for the console's search box, by tracking number (a prefix from
    ``TRACKING_PREFIX`` characters, exact before), in tracking-number order. Nothing for
    staff who may not view shipments. One query, on the tracking number's index."""
    condition = code_condition("tracking_number", query, prefix_from=TRACKING_PREFIX)
    if not condition or not may_view(user, "fulfillment.shipment"):
        return Found()
    rows = list(Shipment.objects.filter(condition).select_related("order")
                .order_by("tracking_number", "id")
                .only("carrier", "tracking_number", "status", "order__number")[:limit + 1])
    field = str(Shipment._meta.get_field("tracking_number").verbose_name)
    return Found.from_rows(rows, limit, lambda shipment: Hit(
        "fulfillment.shipment", shipment.pk,
        f"{shipment.get_carrier_display()} {shipment.tracking_number}",
        f"{shipment.get_status_display()} · {shipment.order.number}",
        field, shipment.tracking_number, query.code))
