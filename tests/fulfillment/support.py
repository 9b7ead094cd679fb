"""Helpers of the fulfillment tests: reviewed orders of several lines, their parcels made
by the real allocation, stock rows with bin locations."""

import itertools
from collections.abc import Sequence

from tests import factories
from zhanggui.catalog.models import Sku
from zhanggui.customers.models import Customer
from zhanggui.fulfillment import allocation
from zhanggui.fulfillment.models import Shipment
from zhanggui.inventory.models import Stock, Warehouse
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

_seq = itertools.count(1)


# ---- warehouse helper (waves, packing, waybills, documents) -----------------------------

def stocked_sku(warehouse: Warehouse, quantity: int = 100, *, bin_location: str = "",
                barcode: str = "") -> Sku:
    """A listed SKU with ``quantity`` units in ``warehouse`` at ``bin_location``."""
    sku = factories.make_listed_sku()
    if barcode:
        Sku.objects.filter(pk=sku.pk).update(barcode=barcode)
        sku.refresh_from_db()
    factories.stock_up(sku, warehouse, quantity)
    if bin_location:
        Stock.objects.filter(sku=sku, warehouse=warehouse).update(bin_location=bin_location)
    return sku


def reviewed_order(lines: Sequence[tuple[Sku, int]], *, customer: Customer | None = None,
                   buyer_note: str = "") -> Order:
    """An order of ``lines`` (SKU, units) placed, paid and reviewed through the actions."""
    order = order_actions.place_order(
        customer or factories.make_customer(),
        lines=[order_actions.LineRequest(sku.pk, quantity) for sku, quantity in lines],
        recipient=factories.recipient(), actor=None, buyer_note=buyer_note)
    order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                 succeeded=True, actor=None)
    order.refresh_from_db()
    if order.status == "paid":
        order_actions.review_order(order, actor=factories.make_staff("owner"))
    order.refresh_from_db()
    return order


def parcel_of(lines: Sequence[tuple[Sku, int]], **kwargs) -> Shipment:
    """The pending parcel of a new reviewed order of ``lines`` (one warehouse holds it)."""
    order = reviewed_order(lines, **kwargs)
    allocation.allocate_orders([order], actor=None)
    return order.shipments.get()


def parcels_of(order: Order) -> list[Shipment]:
    allocation.allocate_orders([order], actor=None)
    return list(order.shipments.order_by("id"))


# ---- carriers helper (carriers, tracking, abnormal parcels) -----------------------------

def rate_card(service, *rows) -> None:
    """Give ``service`` the rate card ``rows``: (provinces, first g, first fee, additional g,
    additional fee[, promised days]) through the action."""
    from decimal import Decimal

    from zhanggui.fulfillment import carriers

    carriers.set_rate_card(service, [
        carriers.RateRowIn(tuple(row[0]), row[1], Decimal(row[2]), row[3], Decimal(row[4]),
                           row[5] if len(row) > 5 else None) for row in rows], actor=None)


def make_service(carrier: str = "zto", level: str = "standard", *rows, name: str = "",
                 promised_days: int = 3, is_default: bool = False):
    """A carrier service (any seeded one of the same carrier and level is removed first)
    with the rate card ``rows`` (see ``rate_card``)."""
    from zhanggui.fulfillment import carriers
    from zhanggui.fulfillment.models import CarrierService

    CarrierService.objects.filter(carrier=carrier, level=level).delete()
    service = carriers.create_carrier_service(
        carrier=carrier, level=level, name=name or f"{carrier} {level}",
        promised_days=promised_days, is_default=is_default, actor=None)
    if rows:
        rate_card(service, *rows)
    return carriers.get_service(service.pk)


def shipped_parcels(parts: int = 1, *, carrier: str = "zto", shipped_at=None) -> list[Shipment]:
    """A reviewed order of ``parts`` lines sent as ``parts`` parcels (one line each) through
    the real allocation, split and shipping actions, every parcel handed to ``carrier`` with
    its own tracking number; ``shipped_at`` (default now) is then written over the hand-over
    time, so tests can place the parcels in time."""
    from zhanggui.fulfillment import shipping

    warehouse = factories.make_warehouse()
    skus = [stocked_sku(warehouse, 10) for _ in range(parts)]
    order = reviewed_order([(sku, 1) for sku in skus])
    allocation.allocate_orders([order], actor=None)
    first = order.shipments.get()
    for line in list(first.lines.order_by("id"))[1:]:
        allocation.split_shipment(first, quantities={line.pk: line.quantity}, actor=None)
    parcels = []
    for parcel in order.shipments.order_by("id"):
        parcels.append(shipping.ship_shipment(parcel, actor=None, carrier=carrier,
                                              tracking_number=f"T{next(_seq):010d}"))
    if shipped_at is not None:
        Shipment.objects.filter(pk__in=[p.pk for p in parcels]).update(shipped_at=shipped_at)
        for parcel in parcels:
            parcel.shipped_at = shipped_at
    order.refresh_from_db()
    assert order.status == "shipped", order.status
    return parcels
