"""Fulfillment reads."""

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.fulfillment.models import Shipment


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
