"""Setups of the parcel API rows in ``tests/api/matrix.py`` (allocate, merge candidates,
merge, split, ship, a parcel's detail)."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.fulfillment import allocation
from zhanggui.fulfillment.models import Shipment
from zhanggui.orders import actions as order_actions


def _reviewed_pair(quantity: int = 1) -> list:
    """Two reviewed orders of one buyer to one address, from one warehouse."""
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 20)
    customer = factories.make_customer()
    orders = []
    for _ in range(2):
        order = order_actions.place_order(
            customer, lines=[order_actions.LineRequest(sku.pk, quantity)],
            recipient=factories.recipient(), actor=None, shipping_amount=Decimal("0"))
        order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                     succeeded=True, actor=None)
        orders.append(order_actions.review_order(order, actor=None))
    return orders


def _parcels(quantity: int = 1) -> list[Shipment]:
    orders = _reviewed_pair(quantity)
    allocation.allocate_orders(orders, actor=None)
    return list(Shipment.objects.filter(order__in=orders).order_by("pk"))


def allocate() -> Case:
    orders = _reviewed_pair()
    return Case(check=lambda data, staff: data["parcels_created"] >= 2 and all(
        Shipment.objects.filter(order=o).exists() for o in orders))


def merge_candidates() -> Case:
    parcels = _parcels()
    return Case(check=lambda data, staff: any(
        {p["id"] for p in group} == {p.pk for p in parcels} for group in data))


def merge() -> Case:
    parcels = _parcels()
    return Case(body={"shipment_ids": [p.pk for p in parcels]}, target=parcels[0],
                check=lambda data, staff: Shipment.objects.get(pk=parcels[1].pk).status
                == "cancelled" and len(data["lines"]) == 2)


def get_parcel() -> Case:
    parcel = _parcels()[0]
    return Case(path={"shipment_id": parcel.pk},
                check=lambda data, staff: data["lines"][0]["quantity"] == 1)


def split() -> Case:
    parcel = _parcels(quantity=3)[0]
    line = parcel.lines.get()
    return Case(path={"shipment_id": parcel.pk}, body={"lines": [{"line_id": line.pk, "quantity": 1}]},
                target=parcel,
                check=lambda data, staff: data["lines"][0]["quantity"] == 1
                and parcel.lines.get().quantity == 2)


def ship() -> Case:
    parcel = _parcels()[0]
    return Case(path={"shipment_id": parcel.pk},
                body={"carrier": "sf", "tracking_number": f"SF{parcel.pk:010d}"}, target=parcel,
                check=lambda data, staff: Shipment.objects.get(pk=parcel.pk).status == "shipped")
