"""Operation-log entries for the seeded catalog (products created, SKUs added, listing
changes) and stock receipts, as ``catalog.actions`` and ``inventory.actions`` write them."""

from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.accounts.rules import json_value
from zhanggui.catalog.actions import PRODUCT_FIELDS, SKU_FIELDS
from zhanggui.catalog.models import ListingStatus
from zhanggui.demo.context import chunked
from zhanggui.demo.plans import Movement
from zhanggui.inventory.models import MovementKind


def _fields(obj, names) -> dict:
    return {name: json_value(getattr(obj, name)) for name in names}


def write_catalog_logs(drafts: list, staff: dict[str, Staff]) -> int:
    operator = staff["operator"]
    rows = []
    for draft in drafts:
        product = draft.product
        created = {**_fields(product, PRODUCT_FIELDS), "status": ListingStatus.DRAFT.value,
                   "status_reason": ""}
        rows.append(_entry(product, "catalog.create_product", operator, product.created_at,
                           after=created))
        rows += [_entry(sku, "catalog.create_sku", operator, sku.created_at,
                        after=_fields(sku, SKU_FIELDS)) for sku in draft.skus]
        if draft.listed_at is not None:
            rows.append(_entry(product, "catalog.set_listing_status", operator, draft.listed_at,
                               before={"status": "draft", "status_reason": ""},
                               after={"status": "listed", "status_reason": (
                                   "new" if draft.delisted_at else product.status_reason)}))
        if draft.delisted_at is not None:
            rows.append(_entry(product, "catalog.set_listing_status", operator, draft.delisted_at,
                               before={"status": "listed", "status_reason": "new"},
                               after={"status": "delisted",
                                      "status_reason": product.status_reason}))
    OperationLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _entry(obj, action: str, actor: Staff, at, *, before=None, after=None,
           note: str = "") -> OperationLog:
    return OperationLog(actor=actor, action=action, object_type=obj._meta.label_lower,
                        object_id=str(obj.pk), object_repr=str(obj)[:200], before=before,
                        after=after, note=note, created_at=at)


def write_receipt_logs(movements: list[Movement], staff: dict[str, Staff]) -> int:
    """``inventory.receive_stock`` entries for every receipt in the ledger."""
    receipts = [m for m in movements if m.kind == MovementKind.RECEIVE]
    written = 0
    for batch in chunked(receipts, 5000):
        rows = [OperationLog(
            actor=staff.get(m.actor), action="inventory.receive_stock",
            object_type="inventory.stock", object_id=str(m.stock.pk),
            object_repr=f"{m.stock.sku.code} @ {m.stock.warehouse.code}",
            before={"on_hand": m.on_hand_after - m.on_hand_delta},
            after={"on_hand": m.on_hand_after}, note=m.reason, created_at=m.at) for m in batch]
        OperationLog.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written
