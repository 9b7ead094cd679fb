"""Suppliers API, mounted at ``/api/v1/suppliers``: supplier records (contacts, items,
messages) and purchase orders (create, edit a draft's lines, send, receive with inspection,
close, cancel, PDF).

Thin: ``require_perm`` first, then one query or action. Supplier records need
``suppliers.view_supplier`` (finance, owner); costs are ``null`` without ``catalog.view_cost``
(the warehouse reads and receives purchase orders without them).
"""

import base64

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.core.errors import NotFound
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.inventory.queries import get_warehouse
from zhanggui.suppliers import actions, documents, queries
from zhanggui.suppliers.api_schemas import (
    COST,
    PurchaseCancelIn,
    PurchaseCloseIn,
    PurchaseOrderDetailOut,
    PurchaseOrderFilter,
    PurchaseOrderIn,
    PurchaseOrderLinesIn,
    PurchaseOrderOut,
    PurchaseOrderPdfOut,
    PurchaseReceiptOut,
    PurchaseReceiveIn,
    SupplierContactIn,
    SupplierContactOut,
    SupplierDeletedOut,
    SupplierDetailOut,
    SupplierFilter,
    SupplierIn,
    SupplierItemIn,
    SupplierItemOut,
    SupplierMessageIn,
    SupplierMessageOut,
    SupplierOut,
    SupplierPatchIn,
)
from zhanggui.suppliers.errors import InvalidReceiptLine
from zhanggui.suppliers.models import PurchaseOrderLine, ReceiptLine

router = Router()


def _po_detail(po_id: int):
    po = queries.get_purchase_order(po_id)
    lines = PurchaseOrderLine.objects.select_related("sku").order_by("id")
    receipt_lines = ReceiptLine.objects.select_related("line__sku").order_by("id")
    return (type(po).objects.select_related("supplier", "warehouse")
            .prefetch_related(Prefetch("lines", queryset=lines),
                              Prefetch("receipts__lines", queryset=receipt_lines))
            .get(pk=po.pk))


def _lines(payload_lines, request) -> tuple[list, dict]:
    if any(line.unit_cost is not None for line in payload_lines) and not request.user.has_perm(
            COST):
        raise PermissionDenied(COST)  # a cost may be set only by who may see it
    lines = [(get_sku(line.sku_id), line.quantity) for line in payload_lines]
    costs = {line.sku_id: line.unit_cost for line in payload_lines if line.unit_cost is not None}
    return lines, costs


# ---- purchase orders (before /{supplier_id}) ----------------------------------------------

@router.get("/purchase-orders", response={200: list[PurchaseOrderOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_purchase_orders(request, filters: Query[PurchaseOrderFilter]):
    """Purchase orders, newest first (filters: status, supplier, warehouse)."""
    require_perm(request, "suppliers.view_purchaseorder")
    return queries.list_purchase_orders(**filters.model_dump()).prefetch_related("lines")


@router.post("/purchase-orders", response={201: PurchaseOrderDetailOut, **ERRORS})
def create_purchase_order(request, payload: PurchaseOrderIn):
    """A draft purchase order; each line's unit cost defaults to the supplier item's."""
    require_perm(request, "suppliers.add_purchaseorder")
    lines, costs = _lines(payload.lines, request)
    po = actions.create_purchase_order(
        queries.get_supplier(payload.supplier_id),
        warehouse=get_warehouse(payload.warehouse_id), lines=lines, actor=request.user,
        note=payload.note, unit_costs=costs)
    return Status(201, _po_detail(po.pk))


@router.get("/purchase-orders/{po_id}", response={200: PurchaseOrderDetailOut, **ERRORS})
def get_purchase_order(request, po_id: Id):
    """A purchase order with its lines and receipts."""
    require_perm(request, "suppliers.view_purchaseorder")
    return _po_detail(po_id)


@router.put("/purchase-orders/{po_id}/lines", response={200: PurchaseOrderDetailOut, **ERRORS})
def update_purchase_order_lines(request, po_id: Id, payload: PurchaseOrderLinesIn):
    """Replace a draft's lines (a sent order's lines no longer change)."""
    require_perm(request, "suppliers.change_purchaseorder")
    po = queries.get_purchase_order(po_id)
    lines, costs = _lines(payload.lines, request)
    actions.update_purchase_order_lines(po, lines=lines, unit_costs=costs, note=payload.note,
                                        actor=request.user)
    return _po_detail(po_id)


@router.post("/purchase-orders/{po_id}/send", response={200: PurchaseOrderDetailOut, **ERRORS})
def send_purchase_order(request, po_id: Id):
    """Send a draft to the supplier: sent now, expected after the longest lead time."""
    require_perm(request, "suppliers.send_purchaseorder")
    actions.send_purchase_order(queries.get_purchase_order(po_id), actor=request.user)
    return _po_detail(po_id)


@router.post("/purchase-orders/{po_id}/receive", response={201: PurchaseReceiptOut, **ERRORS})
def receive_purchase_order(request, po_id: Id, payload: PurchaseReceiveIn):
    """Receive one inspected delivery: per line accepted, rejected (with a reason) and short.
    Accepting more than is open needs ``allow_over_receipt`` and
    ``suppliers.accept_over_receipt`` (finance, owner)."""
    require_perm(request, "suppliers.receive_purchaseorder")
    po = queries.get_purchase_order(po_id)
    ids = [line.line_id for line in payload.lines]
    if len(set(ids)) != len(ids):
        raise InvalidReceiptLine(line=next(i for i in ids if ids.count(i) > 1))
    lines = {line.line_id: actions.ReceiptLineInput(
        accepted=line.accepted, rejected=line.rejected, short=line.short,
        reject_reason=line.reject_reason or "") for line in payload.lines}
    receipt = actions.receive_purchase_order(
        po, lines=lines, actor=request.user, allow_over_receipt=payload.allow_over_receipt,
        freight_amount=payload.freight_amount, received_at=payload.received_at,
        note=payload.note)
    return Status(201, type(receipt).objects.prefetch_related(
        Prefetch("lines", queryset=ReceiptLine.objects.select_related("line__sku"))
    ).get(pk=receipt.pk))


@router.post("/purchase-orders/{po_id}/close", response={200: PurchaseOrderDetailOut, **ERRORS})
def close_purchase_order(request, po_id: Id, payload: PurchaseCloseIn):
    """Close a received (or partly received: the rest is no longer expected) order."""
    require_perm(request, "suppliers.close_purchaseorder")
    actions.close_purchase_order(queries.get_purchase_order(po_id), note=payload.note,
                                 actor=request.user)
    return _po_detail(po_id)


@router.post("/purchase-orders/{po_id}/cancel",
             response={200: PurchaseOrderDetailOut, **ERRORS})
def cancel_purchase_order(request, po_id: Id, payload: PurchaseCancelIn):
    """Cancel a draft, sent or partly received order with a reason."""
    require_perm(request, "suppliers.close_purchaseorder")
    actions.cancel_purchase_order(queries.get_purchase_order(po_id), reason=payload.reason,
                                  actor=request.user)
    return _po_detail(po_id)


@router.get("/purchase-orders/{po_id}/pdf", response={200: PurchaseOrderPdfOut, **ERRORS})
def purchase_order_pdf(request, po_id: Id):
    """The order as PDF (base64); unit costs and totals only with ``catalog.view_cost``."""
    require_perm(request, "suppliers.view_purchaseorder")
    po = queries.get_purchase_order(po_id)
    pdf = documents.purchase_order_pdf(po, show_costs=request.user.has_perm(COST))
    return {"filename": f"{po.number}.pdf", "content_base64": base64.b64encode(pdf).decode()}


# ---- suppliers ----------------------------------------------------------------------------

@router.get("", response={200: list[SupplierOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_suppliers(request, filters: Query[SupplierFilter]):
    """Suppliers by code (filters: active, part of the code or name)."""
    require_perm(request, "suppliers.view_supplier")
    return queries.list_suppliers(is_active=filters.is_active, query=filters.q)


@router.post("", response={201: SupplierDetailOut, **ERRORS})
def create_supplier(request, payload: SupplierIn):
    require_perm(request, "suppliers.add_supplier")
    data = payload.model_dump()
    supplier = actions.create_supplier(data.pop("code"), name=data.pop("name"),
                                       actor=request.user, **data)
    return Status(201, supplier)


@router.get("/{supplier_id}", response={200: SupplierDetailOut, **ERRORS})
def get_supplier(request, supplier_id: Id):
    """A supplier with its contacts."""
    require_perm(request, "suppliers.view_supplier")
    return queries.get_supplier(supplier_id)


@router.patch("/{supplier_id}", response={200: SupplierDetailOut, **ERRORS})
def update_supplier(request, supplier_id: Id, payload: SupplierPatchIn):
    require_perm(request, "suppliers.change_supplier")
    supplier = queries.get_supplier(supplier_id)
    return actions.update_supplier(supplier, actor=request.user,
                                   **payload.model_dump(exclude_none=True))


@router.get("/{supplier_id}/items", response={200: list[SupplierItemOut], **ERRORS})
def list_supplier_items(request, supplier_id: Id):
    """The SKUs the supplier supplies, with its terms."""
    require_perm(request, "suppliers.view_supplier", "suppliers.view_supplieritem")
    return queries.get_supplier(supplier_id).items.select_related("sku").order_by("sku_id")


@router.put("/{supplier_id}/items/{sku_id}", response={200: SupplierItemOut, **ERRORS})
def save_supplier_item(request, supplier_id: Id, sku_id: Id, payload: SupplierItemIn):
    """Set the terms on which the supplier supplies the SKU (created if new)."""
    require_perm(request, "suppliers.add_supplieritem", "suppliers.change_supplieritem")
    return actions.save_supplier_item(queries.get_supplier(supplier_id), get_sku(sku_id),
                                      actor=request.user, **payload.model_dump())


@router.delete("/{supplier_id}/items/{sku_id}", response={200: SupplierDeletedOut, **ERRORS})
def delete_supplier_item(request, supplier_id: Id, sku_id: Id):
    require_perm(request, "suppliers.delete_supplieritem")
    item = queries.get_supplier(supplier_id).items.filter(sku_id=sku_id).first()
    if item is None:
        raise NotFound()
    item_id = item.pk
    actions.delete_supplier_item(item, actor=request.user)
    return {"id": item_id}


@router.get("/{supplier_id}/contacts", response={200: list[SupplierContactOut], **ERRORS})
def list_supplier_contacts(request, supplier_id: Id):
    require_perm(request, "suppliers.view_supplier", "suppliers.view_suppliercontact")
    return list(queries.get_supplier(supplier_id).contacts.all())


@router.post("/{supplier_id}/contacts", response={201: SupplierContactOut, **ERRORS})
def add_supplier_contact(request, supplier_id: Id, payload: SupplierContactIn):
    require_perm(request, "suppliers.add_suppliercontact")
    data = payload.model_dump()
    data["phone"] = data.pop("phone_number")
    return Status(201, actions.save_supplier_contact(queries.get_supplier(supplier_id),
                                                     actor=request.user, **data))


def _contact(supplier_id: int, contact_id: int):
    contact = queries.get_supplier(supplier_id).contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    return contact


@router.put("/{supplier_id}/contacts/{contact_id}", response={200: SupplierContactOut, **ERRORS})
def update_supplier_contact(request, supplier_id: Id, contact_id: Id, payload: SupplierContactIn):
    require_perm(request, "suppliers.change_suppliercontact")
    contact = _contact(supplier_id, contact_id)
    data = payload.model_dump()
    data["phone"] = data.pop("phone_number")
    return actions.save_supplier_contact(contact.supplier, contact=contact, actor=request.user,
                                         **data)


@router.delete("/{supplier_id}/contacts/{contact_id}",
               response={200: SupplierDeletedOut, **ERRORS})
def delete_supplier_contact(request, supplier_id: Id, contact_id: Id):
    require_perm(request, "suppliers.delete_suppliercontact")
    contact = _contact(supplier_id, contact_id)
    actions.delete_supplier_contact(contact, actor=request.user)
    return {"id": contact_id}


@router.get("/{supplier_id}/messages", response={200: list[SupplierMessageOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_supplier_messages(request, supplier_id: Id):
    """Messages exchanged with the supplier, newest first."""
    require_perm(request, "suppliers.view_supplier", "suppliers.view_suppliermessage")
    return queries.get_supplier(supplier_id).messages.order_by("-sent_at", "-id")


@router.post("/{supplier_id}/messages", response={201: SupplierMessageOut, **ERRORS})
def record_supplier_message(request, supplier_id: Id, payload: SupplierMessageIn):
    """Record a message to (out) or from (in) the supplier, for the reply-time score."""
    require_perm(request, "suppliers.add_suppliermessage")
    supplier = queries.get_supplier(supplier_id)
    po = (queries.get_purchase_order(payload.purchase_order_id)
          if payload.purchase_order_id else None)
    return Status(201, actions.record_supplier_message(
        supplier, direction=payload.direction, body=payload.body, sent_at=payload.sent_at,
        purchase_order=po, actor=request.user))
