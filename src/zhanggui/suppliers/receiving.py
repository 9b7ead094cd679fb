"""Receiving a purchase order with inspection (re-exported by ``suppliers.actions``).

One receipt = one delivery: per line the units accepted (booked into the PO's warehouse,
kind ``receive``, reference the PO number), rejected (with a reason; not booked: they go back
to the supplier, and finance gets a task) and short (on the delivery note but not there).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.money import MAX_AMOUNT, to_money
from zhanggui.inventory import actions as inventory_actions
from zhanggui.suppliers import events as supplier_events
from zhanggui.suppliers import follow_ups, rules
from zhanggui.suppliers.errors import (
    EmptyReceipt,
    InvalidFreight,
    InvalidReceiptLine,
    OverReceipt,
    OverReceiptNotAllowed,
    PurchaseOrderState,
    RejectReasonRequired,
)
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Receipt,
    ReceiptLine,
    RejectReason,
    SupplierItem,
)

Status = PurchaseOrderStatus
OVER_RECEIPT_PERMISSION = "suppliers.accept_over_receipt"
RECEIVABLE = (Status.SENT, Status.PARTLY_RECEIVED)
# Lead-time spread: from this many of the supplier's latest receipts.
SPREAD_WINDOW = 50


@dataclass(frozen=True)
class ReceiptLineInput:
    accepted: int = 0
    rejected: int = 0
    reject_reason: str = ""
    short: int = 0


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_inputs(po: PurchaseOrder, po_lines: dict[int, PurchaseOrderLine],
                  lines: Mapping[int, ReceiptLineInput], allow_over_receipt: bool) -> None:
    if not lines:
        raise EmptyReceipt()
    total = 0
    for line_id, given in lines.items():
        line = po_lines.get(line_id)
        if line is None or not all(_count(v) for v in (given.accepted, given.rejected,
                                                       given.short)):
            raise InvalidReceiptLine(line=line_id)
        if given.rejected and given.reject_reason not in RejectReason.values:
            raise RejectReasonRequired(sku=line.sku.code)
        if given.accepted > line.open_quantity and not allow_over_receipt:
            raise OverReceipt(sku=line.sku.code, accepted=given.accepted,
                              open=line.open_quantity)
        total += given.accepted + given.rejected + given.short
    if total == 0:
        raise EmptyReceipt()


def _counted(given: ReceiptLineInput) -> str:
    """``+6 −1 (damaged) short 2`` for the log."""
    text = f"+{given.accepted} −{given.rejected}"
    if given.rejected:
        text += f" ({given.reject_reason})"
    return f"{text} short {given.short}" if given.short else text


def _freight(value) -> Decimal:
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidFreight() from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise InvalidFreight()
    return amount


@transaction.atomic
def receive_purchase_order(po: PurchaseOrder, *, lines: Mapping[int, ReceiptLineInput],
                           actor: Staff | None, allow_over_receipt: bool = False,
                           freight_amount: Decimal = Decimal(0),
                           received_at: datetime | None = None, note: str = "") -> Receipt:
    """Receive one inspected delivery against a sent or partly received PO.

    Args:
        lines: PO line id → what was counted on that line (lines not given: nothing came).
        allow_over_receipt: accept more units than are still open on a line; only staff with
            ``suppliers.accept_over_receipt`` (the owner and finance) may.
        freight_amount: this delivery's freight and other landed costs, spread over its
            accepted units by value (``rules.spread_landed_costs``).

    Books each line's accepted units: first their landed cost into the SKU's moving-average
    cost (over the units held before this receipt), then the stock (kind ``receive``,
    reference the PO number). Updates the lines and the PO's status (partly received /
    received); a fully received PO updates its supplier items' lead-time spread and closes its
    overdue task; rejected units open a ``receipt_rejected`` task.

    Raises:
        PurchaseOrderState: the PO is not sent or partly received.
        InvalidReceiptLine: a line id not of this PO, or a negative / non-whole count.
        EmptyReceipt: nothing accepted, rejected or short.
        RejectReasonRequired: rejected units without a reason.
        OverReceipt: more accepted than open, without ``allow_over_receipt``.
        OverReceiptNotAllowed: ``allow_over_receipt`` by staff without the permission.
        InvalidFreight: a negative freight, or freight with no accepted units.
    """
    po = PurchaseOrder.objects.select_for_update().select_related(
        "supplier", "warehouse").get(pk=po.pk)
    if po.status not in RECEIVABLE:
        raise PurchaseOrderState(number=po.number, status=po.get_status_display(),
                                 action=_("receiving"))
    if allow_over_receipt and actor is not None and not actor.has_perm(OVER_RECEIPT_PERMISSION):
        raise OverReceiptNotAllowed()
    freight = _freight(freight_amount)
    po_lines = {line.pk: line for line in
                po.lines.select_for_update().select_related("sku").order_by("sku_id")}
    _check_inputs(po, po_lines, lines, allow_over_receipt)
    try:
        landed = rules.spread_landed_costs(
            {line_id: (given.accepted, po_lines[line_id].unit_cost)
             for line_id, given in lines.items()}, freight)
    except ValueError:
        raise InvalidFreight() from None
    at = received_at or timezone.now()
    receipt = Receipt.objects.create(
        purchase_order=po, number=rules.receipt_number(po.number, po.receipts.count() + 1),
        received_at=at, received_by=actor, allow_over_receipt=allow_over_receipt,
        freight_amount=freight, note=note[:200])
    rejected: list[tuple[str, int, str]] = []
    for line in po_lines.values():  # SKU order: cost and stock rows locked in one order
        given = lines.get(line.pk)
        if given is None:
            continue
        _book_line(po, receipt, line, given, landed.get(line.pk), actor=actor, at=at)
        if given.rejected:
            rejected.append((line.sku.code, given.rejected,
                             str(RejectReason(given.reject_reason).label)))
    before = po.status
    _settle(po, po_lines.values(), freight, at)
    supplier_events.purchase_order_received(po, receipt)
    log_operation(receipt, action="suppliers.receive_purchase_order", actor=actor,
                  before={"status": before}, after={
                      "status": po.status, "purchase_order": po.number,
                      "freight_cost": str(freight), "allow_over_receipt": allow_over_receipt,
                      "lines": {po_lines[k].sku.code: _counted(v) for k, v in lines.items()}},
                  note=note)
    if rejected:
        follow_ups.open_rejected_task(receipt, rejected=rejected, actor=actor)
    if po.status == Status.RECEIVED:
        update_lead_time_spread(po)
        follow_ups.close_overdue_task(po, actor=actor)
    return receipt


def _book_line(po: PurchaseOrder, receipt: Receipt, line: PurchaseOrderLine,
               given: ReceiptLineInput, landed_cost: Decimal | None, *, actor: Staff | None,
               at: datetime) -> None:
    if given.accepted:
        inventory_actions.record_landed_cost(line.sku, quantity=given.accepted,
                                             unit_landed_cost=landed_cost, reference=po.number,
                                             actor=actor, at=at)
        inventory_actions.receive_stock(
            line.sku, warehouse=po.warehouse, quantity=given.accepted, actor=actor,
            reason=_("Receipt %(receipt)s of purchase order %(po)s")
            % {"receipt": receipt.number, "po": po.number}, reference=po.number)
    ReceiptLine.objects.create(
        receipt=receipt, line=line, accepted=given.accepted, rejected=given.rejected,
        reject_reason=given.reject_reason if given.rejected else "", short=given.short,
        landed_unit_cost=landed_cost or Decimal("0.00"))
    line.received_quantity += given.accepted
    line.rejected_quantity += given.rejected
    line.save(update_fields=["received_quantity", "rejected_quantity"])


def _settle(po: PurchaseOrder, po_lines, freight: Decimal, at: datetime) -> None:
    po.status = rules.next_status((line.quantity, line.received_quantity) for line in po_lines)
    po.freight_amount = po.freight_amount + freight  # the PO's landed costs so far
    fields = ["status", "freight_amount", "updated_at"]
    if po.status == Status.RECEIVED:
        po.received_at = at
        fields.append("received_at")
    po.save(update_fields=fields)


def update_lead_time_spread(po: PurchaseOrder) -> None:
    """After a PO is fully received: the spread (standard deviation) of the lead times
    observed on its supplier's latest receipts (sent → received) becomes the spread of the
    supplier's items of this PO's SKUs. The promised lead time stays as it is."""
    observed = [rules.observed_lead_time_days(sent_at, received_at)
                for sent_at, received_at in Receipt.objects.filter(
                    purchase_order__supplier_id=po.supplier_id,
                    purchase_order__sent_at__isnull=False)
                .order_by("-received_at", "-id")
                .values_list("purchase_order__sent_at", "received_at")[:SPREAD_WINDOW]]
    spread = rules.lead_time_spread(observed)
    if spread is None:
        return
    SupplierItem.objects.filter(
        supplier_id=po.supplier_id, sku_id__in=po.lines.values("sku_id"),
    ).update(lead_time_std_days=min(spread, Decimal("9999.9")), updated_at=timezone.now())
