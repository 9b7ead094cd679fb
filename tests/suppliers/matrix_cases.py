"""Setups of the suppliers and purchase-order API rows in ``tests/api/matrix.py``."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.inventory.models import Stock
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import (
    PurchaseOrder,
    Receipt,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierMessage,
)


def _supplier() -> Supplier:
    supplier = factories.make_supplier(name="义乌百货")
    actions.save_supplier_contact(supplier, name="王经理", phone="13800000000", is_primary=True,
                                  actor=None)
    return supplier


def _po(*, sent: bool = False, received: bool = False) -> PurchaseOrder:
    supplier = _supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="12.50")
    po = factories.make_purchase_order(supplier=supplier, lines=[(sku, 10)], sent=sent)
    if received:
        line = po.lines.get()
        actions.receive_purchase_order(po, actor=None, freight_amount=Decimal("5.00"), lines={
            line.pk: actions.ReceiptLineInput(accepted=4, rejected=1, reject_reason="damaged")})
    return po


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# ---- suppliers ----------------------------------------------------------------------------

def list_suppliers() -> Case:
    supplier = _supplier()
    return Case(query={"q": "百货"},
                check=lambda data, staff: [s["id"] for s in data["items"]] == [supplier.pk])


def create_supplier() -> Case:
    return Case(body={"code": "S-NEW", "name": "新供应商", "payment_terms": "net_15"},
                check=lambda data, staff: Supplier.objects.get(code="S-NEW").payment_terms
                == "net_15" and data["contacts"] == [])


def get_supplier() -> Case:
    supplier = _supplier()
    return Case(path={"supplier_id": supplier.pk},
                check=lambda data, staff: data["contacts"][0]["phone_number"] == "13800000000")


def update_supplier() -> Case:
    supplier = _supplier()
    return Case(path={"supplier_id": supplier.pk}, body={"name": "义乌百货二厂"}, target=supplier,
                check=lambda data, staff: _fresh(supplier).name == "义乌百货二厂")


def list_supplier_items() -> Case:
    supplier = _supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="9.90", moq=20)
    return Case(path={"supplier_id": supplier.pk},
                check=lambda data, staff: [(i["sku_id"], i["moq"]) for i in data] == [
                    (sku.pk, 20)])


def save_supplier_item() -> Case:
    supplier = _supplier()
    sku = factories.make_sku()
    return Case(path={"supplier_id": supplier.pk, "sku_id": sku.pk}, target=supplier,
                body={"unit_cost": "7.50", "moq": 12, "pack_size": 6, "lead_time_days": "4.5"},
                check=lambda data, staff: SupplierItem.objects.get(
                    supplier=supplier, sku=sku).unit_cost == Decimal("7.50"))


def delete_supplier_item() -> Case:
    supplier = _supplier()
    sku = factories.make_sku()
    item = factories.make_supplier_item(supplier, sku)
    return Case(path={"supplier_id": supplier.pk, "sku_id": sku.pk}, target=item,
                check=lambda data, staff: not SupplierItem.objects.filter(pk=item.pk).exists())


def list_supplier_contacts() -> Case:
    supplier = _supplier()
    return Case(path={"supplier_id": supplier.pk},
                check=lambda data, staff: [c["name"] for c in data] == ["王经理"])


def add_supplier_contact() -> Case:
    supplier = _supplier()
    return Case(path={"supplier_id": supplier.pk}, target=supplier,
                body={"name": "李会计", "email": "li@example.com", "is_primary": True},
                check=lambda data, staff: supplier.contacts.get(is_primary=True).name == "李会计")


def update_supplier_contact() -> Case:
    supplier = _supplier()
    contact = supplier.contacts.get()
    return Case(path={"supplier_id": supplier.pk, "contact_id": contact.pk}, target=contact,
                body={"name": "王总", "phone_number": "13900000000", "is_primary": True},
                check=lambda data, staff: _fresh(contact).phone == "13900000000")


def delete_supplier_contact() -> Case:
    supplier = _supplier()
    contact = supplier.contacts.get()
    return Case(path={"supplier_id": supplier.pk, "contact_id": contact.pk}, target=contact,
                check=lambda data, staff: not SupplierContact.objects.filter(
                    pk=contact.pk).exists())


def list_supplier_messages() -> Case:
    supplier = _supplier()
    actions.record_supplier_message(supplier, direction="out", body="请确认交期", actor=None)
    return Case(path={"supplier_id": supplier.pk},
                check=lambda data, staff: [m["body"] for m in data["items"]] == ["请确认交期"])


def record_supplier_message() -> Case:
    supplier = _supplier()
    return Case(path={"supplier_id": supplier.pk}, target=supplier,
                body={"direction": "in", "body": "周五发货"},
                check=lambda data, staff: SupplierMessage.objects.get(
                    supplier=supplier).staff == staff)


# ---- purchase orders ----------------------------------------------------------------------

def list_purchase_orders() -> Case:
    po = _po(sent=True)
    return Case(query={"status": "sent"},
                check=lambda data, staff: [p["number"] for p in data["items"]] == [po.number]
                and data["items"][0]["units_ordered"] == 10)


def create_purchase_order() -> Case:
    supplier = _supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="12.50")
    warehouse = factories.make_warehouse()

    def check(data, staff):
        po = PurchaseOrder.objects.get(number=data["number"])
        return (po.status == "draft" and po.created_by == staff
                and po.lines.get().unit_cost == Decimal("12.50"))

    return Case(body={"supplier_id": supplier.pk, "warehouse_id": warehouse.pk,
                      "lines": [{"sku_id": sku.pk, "quantity": 24}]}, check=check)


def get_purchase_order() -> Case:
    po = _po(sent=True, received=True)
    return Case(path={"po_id": po.pk},
                check=lambda data, staff: data["status"] == "partly_received"
                and data["lines"][0]["open_quantity"] == 6
                and data["receipts"][0]["lines"][0]["rejected"] == 1)


def update_purchase_order_lines() -> Case:
    po = _po()
    sku = po.lines.get().sku
    return Case(path={"po_id": po.pk}, target=po,
                body={"lines": [{"sku_id": sku.pk, "quantity": 30}]},
                check=lambda data, staff: po.lines.get().quantity == 30)


def send_purchase_order() -> Case:
    po = _po()
    return Case(path={"po_id": po.pk}, target=po,
                check=lambda data, staff: _fresh(po).status == "sent"
                and data["expected_on"] is not None)


def receive_purchase_order() -> Case:
    po = _po(sent=True)
    line = po.lines.get()
    return Case(path={"po_id": po.pk}, target=po,
                body={"lines": [{"line_id": line.pk, "accepted": 10}]},
                check=lambda data, staff: _fresh(po).status == "received"
                and Receipt.objects.get(purchase_order=po).received_by == staff
                and Stock.objects.get(sku=line.sku, warehouse=po.warehouse).on_hand == 10)


def close_purchase_order() -> Case:
    po = _po(sent=True, received=True)
    return Case(path={"po_id": po.pk}, target=po, body={"note": "rest not coming"},
                check=lambda data, staff: _fresh(po).status == "closed")


def cancel_purchase_order() -> Case:
    po = _po(sent=True)
    return Case(path={"po_id": po.pk}, target=po, body={"reason": "supplier out of stock"},
                check=lambda data, staff: _fresh(po).cancel_reason == "supplier out of stock")


def purchase_order_pdf() -> Case:
    po = _po(sent=True)
    import base64

    return Case(path={"po_id": po.pk},
                check=lambda data, staff: base64.b64decode(data["content_base64"]).startswith(
                    b"%PDF") and data["filename"] == f"{po.number}.pdf")
