"""A purchase order as PDF (WeasyPrint, template ``suppliers/purchase_order.html``, A4):
header, supplier and payment terms, receiving warehouse, lines with SKU codes, the
supplier's codes, quantities, unit costs and totals, and the terms of delivery.

Costs are printed only when the caller allows it (``show_costs``: the reader has
``catalog.view_cost``); without, the warehouse's receiving copy lists quantities only.
"""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from zhanggui.core.money import default_currency
from zhanggui.suppliers.models import PurchaseOrder, SupplierItem

TEMPLATE = "suppliers/purchase_order.html"


def purchase_order_context(po: PurchaseOrder, *, show_costs: bool) -> dict:
    lines = list(po.lines.select_related("sku", "sku__product").order_by("id"))
    codes = dict(SupplierItem.objects.filter(
        supplier_id=po.supplier_id, sku_id__in=[line.sku_id for line in lines],
    ).values_list("sku_id", "supplier_code"))
    rows = [{"sku_code": line.sku.code, "title": line.sku.product.title,
             "options": " ".join(str(v) for v in (line.sku.option_values or {}).values()),
             "supplier_code": codes.get(line.sku_id, ""), "quantity": line.quantity,
             "received": line.received_quantity, "unit_cost": line.unit_cost,
             "total": line.unit_cost * line.quantity} for line in lines]
    goods = sum((row["total"] for row in rows), Decimal("0.00"))
    return {
        "po": po, "supplier": po.supplier, "warehouse": po.warehouse,
        "contact": po.supplier.contacts.order_by("-is_primary", "id").first(),
        "rows": rows, "units": sum(row["quantity"] for row in rows),
        "goods_total": goods, "freight": po.freight_amount, "grand_total": goods + po.freight_amount,
        "currency": default_currency(), "show_costs": show_costs,
        "printed_at": timezone.localtime(),
    }


def purchase_order_html(po: PurchaseOrder, *, show_costs: bool) -> str:
    return render_to_string(TEMPLATE, purchase_order_context(po, show_costs=show_costs))


def purchase_order_pdf(po: PurchaseOrder, *, show_costs: bool) -> bytes:
    return HTML(string=purchase_order_html(po, show_costs=show_costs)).write_pdf()
