"""Writes of the suppliers app: purchase orders (create, edit draft lines, send, close,
cancel); receiving (``receiving.py``) and supplier master data (``actions_master.py``) are
re-exported here, so other apps call ``suppliers.actions`` only.

Every action runs in one transaction, writes the operation log and raises a ``DomainError``
subclass on refusal (nothing changed).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.money import MAX_AMOUNT, to_money
from zhanggui.inventory.models import Warehouse, WarehouseKind
from zhanggui.suppliers import follow_ups, queries, rules
from zhanggui.suppliers.errors import (
    CancelReasonRequired,
    DuplicatePurchaseLine,
    EmptyPurchaseOrder,
    InvalidOrderQuantity,
    InvalidUnitCost,
    NotSuppliedBySupplier,
    PurchaseOrderState,
    SupplierInactive,
    WarehouseNotReceiving,
)
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderSource,
    PurchaseOrderStatus,
    Supplier,
    SupplierItem,
)

Status = PurchaseOrderStatus


def _lock_po(po: PurchaseOrder) -> PurchaseOrder:
    """The PO row locked for update, refreshed (the caller's object may be stale)."""
    return PurchaseOrder.objects.select_for_update().select_related(
        "supplier", "warehouse").get(pk=po.pk)


def _require_status(po: PurchaseOrder, allowed: Sequence[str], action: str) -> None:
    if po.status not in allowed:
        raise PurchaseOrderState(number=po.number, status=po.get_status_display(),
                                 action=action)


def _new_po_number() -> str:
    """Today's next PO number, given under the supply policy row's lock (no two alike)."""
    queries.lock_policy()
    day = timezone.localdate()
    used = PurchaseOrder.objects.filter(
        number__startswith=rules.po_number_prefix(day)).values_list("number", flat=True)
    return rules.po_number(day, rules.next_po_sequence(used, day))


def _money_or_error(value, sku: Sku) -> Decimal:
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidUnitCost(sku=sku.code) from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise InvalidUnitCost(sku=sku.code)
    return amount


def _check_lines(supplier: Supplier, lines: Sequence[tuple[Sku, int]],
                 unit_costs: Mapping[int, Decimal] | None) -> list[tuple[Sku, int, Decimal]]:
    """Validate ``lines`` against ``supplier``'s items; return (SKU, quantity, unit cost)."""
    if not lines:
        raise EmptyPurchaseOrder()
    items = {item.sku_id: item for item in
             SupplierItem.objects.filter(supplier=supplier, sku_id__in=[s.pk for s, _q in lines])}
    seen: set[int] = set()
    checked = []
    for sku, quantity in lines:
        if sku.pk in seen:
            raise DuplicatePurchaseLine(sku=sku.code)
        seen.add(sku.pk)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise InvalidOrderQuantity(sku=sku.code)
        item = items.get(sku.pk)
        if item is None:
            raise NotSuppliedBySupplier(supplier=supplier.code, sku=sku.code)
        cost = item.unit_cost
        if unit_costs and sku.pk in unit_costs and unit_costs[sku.pk] is not None:
            cost = _money_or_error(unit_costs[sku.pk], sku)
        checked.append((sku, quantity, cost))
    return checked


def _line_snapshot(po: PurchaseOrder) -> dict:
    """The lines for the log: ``lines`` SKU code → units, ``line_costs`` SKU code → unit cost
    (a key with "cost": the console hides it without ``catalog.view_cost``)."""
    lines = list(po.lines.select_related("sku").order_by("id"))
    return {"lines": {line.sku.code: line.quantity for line in lines},
            "line_costs": {line.sku.code: str(line.unit_cost) for line in lines}}


@transaction.atomic
def create_purchase_order(supplier: Supplier, *, warehouse: Warehouse,
                          lines: Sequence[tuple[Sku, int]], actor: Staff | None,
                          source: str = PurchaseOrderSource.MANUAL, note: str = "",
                          unit_costs: Mapping[int, Decimal] | None = None) -> PurchaseOrder:
    """Create a draft purchase order from ``supplier`` into ``warehouse``.

    Args:
        lines: (SKU, units) pairs, one per SKU.
        unit_costs: SKU id → unit cost, where it differs from the supplier item's cost
            (the default for every line).

    Raises:
        EmptyPurchaseOrder: no lines.
        DuplicatePurchaseLine: a SKU appears twice.
        InvalidOrderQuantity: a quantity is not a whole number of at least 1.
        NotSuppliedBySupplier: the supplier has no item for a SKU.
        InvalidUnitCost: a given unit cost is not an amount ≥ 0.
        SupplierInactive: the supplier is not active.
        WarehouseNotReceiving: the warehouse is inactive or a drop-ship warehouse.
    """
    if not supplier.is_active:
        raise SupplierInactive(supplier=supplier.code)
    if not warehouse.is_active or warehouse.kind == WarehouseKind.DROP_SHIP:
        raise WarehouseNotReceiving(warehouse=warehouse.code)
    if source not in PurchaseOrderSource.values:
        raise ValueError(f"unknown purchase order source {source!r}")
    checked = _check_lines(supplier, lines, unit_costs)
    po = PurchaseOrder.objects.create(
        number=_new_po_number(), supplier=supplier, warehouse=warehouse, source=source,
        note=note, created_by=actor)
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(purchase_order=po, sku=sku, quantity=quantity, unit_cost=cost)
        for sku, quantity, cost in checked)
    log_operation(po, action="suppliers.create_purchase_order", actor=actor, after={
        "supplier": supplier.code, "warehouse": warehouse.code, "source": source,
        **_line_snapshot(po)})
    return po


@transaction.atomic
def update_purchase_order_lines(po: PurchaseOrder, *, lines: Sequence[tuple[Sku, int]],
                                actor: Staff | None,
                                unit_costs: Mapping[int, Decimal] | None = None,
                                note: str | None = None) -> PurchaseOrder:
    """Replace the lines of a draft PO (same checks as ``create_purchase_order``; a line
    without a given cost keeps its current cost, a new line takes the supplier item's).

    Raises:
        PurchaseOrderState: the PO is no longer a draft.
        (and the line errors of ``create_purchase_order``)
    """
    po = _lock_po(po)
    _require_status(po, [Status.DRAFT], _("editing lines"))
    current = {line.sku_id: line.unit_cost for line in po.lines.all()}
    costs = {**current, **(unit_costs or {})}
    checked = _check_lines(po.supplier, lines, costs)
    before = _line_snapshot(po)
    po.lines.all().delete()
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(purchase_order=po, sku=sku, quantity=quantity, unit_cost=cost)
        for sku, quantity, cost in checked)
    if note is not None:
        po.note = note
        po.save(update_fields=["note", "updated_at"])
    log_operation(po, action="suppliers.update_purchase_order_lines", actor=actor,
                  before=before, after=_line_snapshot(po))
    return po


@transaction.atomic
def send_purchase_order(po: PurchaseOrder, *, actor: Staff | None,
                        sent_at=None) -> PurchaseOrder:
    """Send a draft PO to the supplier: ``sent_at`` now (or ``sent_at``), ``expected_on`` the
    day sent (shop time) + the longest promised lead time of its SKUs' supplier items.

    Raises:
        PurchaseOrderState: the PO is not a draft.
        EmptyPurchaseOrder: the PO has no lines.
    """
    po = _lock_po(po)
    _require_status(po, [Status.DRAFT], _("sending"))
    sku_ids = list(po.lines.values_list("sku_id", flat=True))
    if not sku_ids:
        raise EmptyPurchaseOrder()
    lead_times = SupplierItem.objects.filter(
        supplier_id=po.supplier_id, sku_id__in=sku_ids).values_list("lead_time_days", flat=True)
    po.sent_at = sent_at or timezone.now()
    po.expected_on = rules.expected_on(timezone.localdate(po.sent_at), lead_times)
    po.status = Status.SENT
    po.save(update_fields=["status", "sent_at", "expected_on", "updated_at"])
    log_operation(po, action="suppliers.send_purchase_order", actor=actor,
                  before={"status": Status.DRAFT},
                  after={"status": po.status, "expected_on": po.expected_on.isoformat()})
    return po


@transaction.atomic
def close_purchase_order(po: PurchaseOrder, *, actor: Staff | None,
                         note: str = "") -> PurchaseOrder:
    """Close a received PO; a partly received one too (the rest is no longer expected: its
    open units leave ``on_order``).

    Raises:
        PurchaseOrderState: the PO is not received or partly received.
    """
    po = _lock_po(po)
    _require_status(po, [Status.RECEIVED, Status.PARTLY_RECEIVED], _("closing"))
    before = po.status
    po.status = Status.CLOSED
    po.closed_at = timezone.now()
    po.save(update_fields=["status", "closed_at", "updated_at"])
    log_operation(po, action="suppliers.close_purchase_order", actor=actor,
                  before={"status": before}, after={"status": po.status}, note=note)
    _after_po_finished(po, actor)
    return po


@transaction.atomic
def cancel_purchase_order(po: PurchaseOrder, *, reason: str,
                          actor: Staff | None) -> PurchaseOrder:
    """Cancel a draft, sent or partly received PO with a reason (never a received one).

    Raises:
        CancelReasonRequired: blank reason.
        PurchaseOrderState: the PO is received, closed or already cancelled.
    """
    if not (reason or "").strip():
        raise CancelReasonRequired()
    po = _lock_po(po)
    _require_status(po, [Status.DRAFT, Status.SENT, Status.PARTLY_RECEIVED], _("cancelling"))
    before = po.status
    po.status = Status.CANCELLED
    po.cancelled_at = timezone.now()
    po.cancel_reason = reason.strip()[:200]
    po.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    log_operation(po, action="suppliers.cancel_purchase_order", actor=actor,
                  before={"status": before}, after={"status": po.status}, note=po.cancel_reason)
    _after_po_finished(po, actor)
    return po


def _after_po_finished(po: PurchaseOrder, actor: Staff | None = None) -> None:
    """Close the PO's open follow-ups (overdue) once nothing more is expected."""
    follow_ups.close_overdue_task(po, actor=actor)


# Re-exported: receiving with inspection and the master data live in their own modules.
from zhanggui.suppliers.actions_master import (  # noqa: E402, F401
    add_supplier_item,
    create_supplier,
    delete_supplier_contact,
    delete_supplier_item,
    record_supplier_message,
    save_supplier_contact,
    save_supplier_item,
    update_supplier,
)
from zhanggui.suppliers.receiving import (  # noqa: E402, F401
    ReceiptLineInput,
    receive_purchase_order,
)
