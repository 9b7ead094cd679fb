"""Reads of drop-ship supplier orders, scoped to who asks: a supplier's account sees its own
suppliers' orders only; the shop's staff with ``fulfillment.view_supplierorder`` see all.
The recipient (name, phone, street address) is for whoever ships the order; the caller
checks the permission and logs the view (``dropship.log_recipient_view``)."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.core.errors import NotFound
from zhanggui.core.regions import get_province
from zhanggui.fulfillment.models import (
    FulfillmentPolicy,
    ShipmentLine,
    SupplierOrder,
    SupplierOrderStatus,
)
from zhanggui.suppliers import queries_dropship as supplier_queries

TO_SHIP = (SupplierOrderStatus.NEW, SupplierOrderStatus.ACCEPTED)


def supplier_orders_for(staff: Staff) -> QuerySet[SupplierOrder]:
    """The supplier orders ``staff`` may see (newest first)."""
    qs = SupplierOrder.objects.select_related("supplier", "shipment", "shipment__order")
    if supplier_queries.is_supplier_account(staff):
        qs = qs.filter(supplier_id__in=supplier_queries.account_supplier_ids(staff))
    return qs.order_by("-created_at", "-id")


def list_supplier_orders(staff: Staff, *, status: str | None = None,
                         supplier_id: int | None = None) -> QuerySet[SupplierOrder]:
    qs = supplier_orders_for(staff)
    if status:
        qs = qs.filter(status=status)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return qs


def get_supplier_order_for(staff: Staff, order_id: int) -> SupplierOrder:
    """Raises NotFound for a missing order and for another supplier's (no hint it exists)."""
    try:
        return supplier_orders_for(staff).get(pk=order_id)
    except SupplierOrder.DoesNotExist:
        raise NotFound() from None


def late_cutoff(now=None):
    """Orders to ship whose sales order was paid at or before this are late
    (``FulfillmentPolicy.ship_within_hours`` after payment)."""
    hours = FulfillmentPolicy.objects.get_or_create(pk=1)[0].ship_within_hours
    return (now or timezone.now()) - timedelta(hours=hours)


def count_to_do(staff: Staff, *, now=None) -> dict[str, int]:
    """The to-dos of the orders ``staff`` may see: new ones, and late ones (still to ship,
    paid longer ago than the policy allows). One query (and the policy's)."""
    late = Q(status__in=TO_SHIP, shipment__order__paid_at__lte=late_cutoff(now))
    return supplier_orders_for(staff).order_by().aggregate(
        new=Count("pk", filter=Q(status=SupplierOrderStatus.NEW)),
        late=Count("pk", filter=late))


@dataclass(frozen=True)
class Item:
    sku_code: str
    product_title: str
    options: str
    quantity: int


def items_of(orders: list[SupplierOrder]) -> dict[int, list[Item]]:
    """Supplier order id → what to put in the parcel. One query."""
    by_parcel = {order.shipment_id: order.pk for order in orders}
    result: dict[int, list[Item]] = defaultdict(list)
    for line in (ShipmentLine.objects.filter(shipment_id__in=by_parcel)
                 .select_related("order_line").order_by("shipment_id", "pk")):
        order_line = line.order_line
        options = " ".join(f"{k}:{v}" for k, v in (order_line.option_values or {}).items())
        result[by_parcel[line.shipment_id]].append(
            Item(order_line.sku_code, order_line.product_title, options, line.quantity))
    return result


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str
    province: str
    city: str
    district: str
    address_detail: str

    @property
    def full_address(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district,
                                    self.address_detail) if p)


def recipient_of(order: SupplierOrder) -> Recipient:
    """The buyer's name, phone and address in full, as on a shipping label."""
    sales = order.shipment.order
    province = get_province(sales.province_code)
    return Recipient(sales.recipient_name, sales.recipient_phone,
                     province.name if province else sales.province_code, sales.city,
                     sales.district, sales.address_detail)


def _safe(value):
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(orders: list[SupplierOrder]) -> str:
    """The supplier's shipping list as CSV (one row per item; a BOM so Excel reads UTF-8)."""
    items = items_of(orders)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("supplier order number"), _("order number"), _("paid at"), _("status"),
                     _("SKU code"), _("product title"), _("options"), _("quantity"),
                     _("recipient"), _("recipient phone"), _("address")])
    for order in orders:
        recipient = recipient_of(order)
        paid = order.shipment.order.paid_at
        for item in items[order.pk]:
            writer.writerow([_safe(v) for v in (order.number, order.shipment.order.number,
                             timezone.localtime(paid).strftime("%Y-%m-%d %H:%M") if paid else "",
                             order.get_status_display(), item.sku_code, item.product_title,
                             item.options, item.quantity, recipient.name, recipient.phone,
                             recipient.full_address)])
    return out.getvalue()
