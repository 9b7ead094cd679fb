"""Supplier master data: suppliers, contacts, the SKUs each supplies, and the messages
exchanged (re-exported by ``suppliers.actions``).

Each write validates the record (the model's field rules and the rules below), then saves and
logs it through ``accounts.actions.save_record`` / ``delete_record``.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import delete_record, log_operation, save_record
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.suppliers.errors import (
    DuplicateSupplierCode,
    DuplicateSupplierItem,
    InvalidSupplierData,
)
from zhanggui.suppliers.models import (
    MessageDirection,
    PurchaseOrder,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierMessage,
)

SUPPLIER_FIELDS = ("code", "name", "payment_terms", "is_active", "note")
CONTACT_FIELDS = ("name", "title", "phone", "email", "wechat", "is_primary")
ITEM_FIELDS = ("supplier_code", "unit_cost", "moq", "pack_size", "lead_time_days",
               "lead_time_std_days", "is_preferred")


def _validate(obj, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False,
                       validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(str(m) for m in messages)}"
                             for field, messages in error.message_dict.items())
        raise InvalidSupplierData(problems=problems) from None


def _apply(obj, changes: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)
    return list(changes)


@transaction.atomic
def create_supplier(code: str, *, name: str, actor: Staff | None, **fields: Any) -> Supplier:
    """Create a supplier (``fields``: payment_terms, is_active, note).

    Raises:
        InvalidSupplierData: a field is invalid (blank name, unknown payment terms, …).
        DuplicateSupplierCode: the code is taken.
    """
    supplier = Supplier(code=(code or "").strip(), name=(name or "").strip())
    _apply(supplier, fields, SUPPLIER_FIELDS)
    _validate(supplier, exclude=["warehouse"])
    if Supplier.objects.filter(code=supplier.code).exists():
        raise DuplicateSupplierCode(code=supplier.code)
    return save_record(supplier, actor=actor, changed_fields=())


@transaction.atomic
def update_supplier(supplier: Supplier, *, actor: Staff | None, **changes: Any) -> Supplier:
    """Change a supplier's code, name, payment terms, active flag or note.

    Raises:
        InvalidSupplierData, DuplicateSupplierCode.
    """
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    changed = _apply(supplier, changes, SUPPLIER_FIELDS)
    _validate(supplier, exclude=["warehouse"])
    if Supplier.objects.filter(code=supplier.code).exclude(pk=supplier.pk).exists():
        raise DuplicateSupplierCode(code=supplier.code)
    return save_record(supplier, actor=actor, changed_fields=changed)


def _only_primary(contact: SupplierContact) -> None:
    if contact.is_primary:  # one primary contact per supplier
        SupplierContact.objects.filter(supplier_id=contact.supplier_id, is_primary=True).exclude(
            pk=contact.pk).update(is_primary=False)


@transaction.atomic
def save_supplier_contact(supplier: Supplier, *, actor: Staff | None,
                          contact: SupplierContact | None = None,
                          **fields: Any) -> SupplierContact:
    """Add a contact to ``supplier`` or change ``contact`` (fields: name, title, phone,
    email, wechat, is_primary — a new primary contact replaces the old one).

    Raises:
        InvalidSupplierData: blank name, invalid e-mail, …
    """
    if contact is None:
        contact = SupplierContact(supplier=supplier)
    elif contact.supplier_id != supplier.pk:
        raise InvalidSupplierData(problems="the contact belongs to another supplier")
    changed = _apply(contact, fields, CONTACT_FIELDS)
    _validate(contact)
    saved = save_record(contact, actor=actor, changed_fields=changed)
    _only_primary(saved)
    return saved


@transaction.atomic
def save_supplier_item(supplier: Supplier, sku: Sku, *, actor: Staff | None,
                       **fields: Any) -> SupplierItem:
    """Set the terms on which ``supplier`` supplies ``sku`` (creating the item if new):
    unit_cost, moq, pack_size, lead_time_days, lead_time_std_days, supplier_code,
    is_preferred (a preferred item makes the SKU's other items not preferred).

    Raises:
        InvalidSupplierData: a negative cost, MOQ or pack below 1, a negative lead time, …
    """
    item = (SupplierItem.objects.select_for_update().filter(supplier=supplier, sku=sku).first()
            or SupplierItem(supplier=supplier, sku=sku))
    changed = _apply(item, fields, ITEM_FIELDS)
    _validate(item)
    problems = []
    if item.unit_cost is not None and item.unit_cost < 0:
        problems.append("unit cost below 0")
    if item.moq < 1 or item.pack_size < 1:
        problems.append("MOQ and pack size are at least 1")
    if item.lead_time_days < 0 or item.lead_time_std_days < 0:
        problems.append("lead times are not negative")
    if problems:
        raise InvalidSupplierData(problems="; ".join(problems))
    saved = save_record(item, actor=actor, changed_fields=changed)
    if saved.is_preferred:
        SupplierItem.objects.filter(sku=sku, is_preferred=True).exclude(pk=saved.pk).update(
            is_preferred=False, updated_at=timezone.now())
    return saved


@transaction.atomic
def add_supplier_item(supplier: Supplier, sku: Sku, *, actor: Staff | None,
                      **fields: Any) -> SupplierItem:
    """Like ``save_supplier_item``, but refuses a SKU the supplier already supplies.

    Raises:
        DuplicateSupplierItem, InvalidSupplierData.
    """
    if SupplierItem.objects.filter(supplier=supplier, sku=sku).exists():
        raise DuplicateSupplierItem(supplier=supplier.code, sku=sku.code)
    return save_supplier_item(supplier, sku, actor=actor, **fields)


def delete_supplier_item(item: SupplierItem, *, actor: Staff | None) -> None:
    delete_record(item, actor=actor)


def delete_supplier_contact(contact: SupplierContact, *, actor: Staff | None) -> None:
    delete_record(contact, actor=actor)


@transaction.atomic
def record_supplier_message(supplier: Supplier, *, direction: str, body: str,
                            actor: Staff | None, sent_at: datetime | None = None,
                            purchase_order: PurchaseOrder | None = None) -> SupplierMessage:
    """Record a message to (``out``) or from (``in``) the supplier, for the reply-time score.

    Raises:
        InvalidSupplierData: unknown direction, blank body, a PO of another supplier, or a
            time in the future.
    """
    now = timezone.now()
    problems = []
    if direction not in MessageDirection.values:
        problems.append("direction is 'in' or 'out'")
    if not (body or "").strip():
        problems.append("the message is empty")
    if purchase_order is not None and purchase_order.supplier_id != supplier.pk:
        problems.append("the purchase order is another supplier's")
    if sent_at is not None and sent_at > now:
        problems.append("the time is in the future")
    if problems:
        raise InvalidSupplierData(problems="; ".join(problems))
    message = SupplierMessage.objects.create(
        supplier=supplier, direction=direction, body=body.strip(), sent_at=sent_at or now,
        purchase_order=purchase_order, staff=actor)
    log_operation(message, action="suppliers.record_supplier_message", actor=actor,
                  after={"supplier": supplier.code, "direction": direction,
                         "purchase_order": purchase_order.number if purchase_order else None})
    return message


__all__ = ["add_supplier_item", "create_supplier", "delete_supplier_contact",
           "delete_supplier_item", "record_supplier_message", "save_supplier_contact",
           "save_supplier_item", "update_supplier"]
