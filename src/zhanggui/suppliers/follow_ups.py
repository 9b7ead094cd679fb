"""Follow-up tasks of purchase orders (kinds in ``tasks_kinds``): overdue POs (a sweep the
beat runs, closed when the PO is received, closed or cancelled) and units rejected at
inspection."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderStatus, Receipt
from zhanggui.suppliers.tasks_kinds import PO_OVERDUE, RECEIPT_REJECTED
from zhanggui.tasks import actions as task_actions
from zhanggui.tasks.models import Task, TaskStatus

AWAITED = (PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTLY_RECEIVED)


@dataclass(frozen=True)
class OverdueSweep:
    opened: int = 0
    closed: int = 0


def close_overdue_task(po: PurchaseOrder, *, actor: Staff | None = None) -> int:
    """Close the PO's open ``po_overdue`` task (nothing more is awaited)."""
    resolution = "cancelled" if po.status == PurchaseOrderStatus.CANCELLED else "fixed"
    return task_actions.close_tasks_for(
        po, kind=PO_OVERDUE, resolution=resolution, actor=actor,
        note=_("Purchase order %(number)s is %(status)s.")
        % {"number": po.number, "status": po.get_status_display()})


def open_rejected_task(receipt: Receipt, *, rejected: list[tuple[str, int, str]],
                       actor: Staff | None) -> Task:
    """Ask finance to settle the units rejected at inspection with the supplier
    (``rejected``: SKU code, units, reason label)."""
    po = receipt.purchase_order
    units = sum(count for _code, count, _reason in rejected)
    lines = "; ".join(f"{code} × {count} ({reason})" for code, count, reason in rejected)
    return task_actions.open_task(
        RECEIPT_REJECTED, subject=receipt, actor=actor,
        title=_("%(units)s units rejected on receipt %(receipt)s")
        % {"units": units, "receipt": receipt.number},
        detail=_("Supplier %(supplier)s, purchase order %(po)s: %(lines)s. Agree a credit, "
                 "replacements or a write-off with the supplier.")
        % {"supplier": po.supplier, "po": po.number, "lines": lines})


def sweep_overdue_purchase_orders(*, limit: int = 500) -> OverdueSweep:
    """Open a ``po_overdue`` task for each sent PO past its expected day and not fully
    received; close those whose PO is no longer awaited (a safety net: the actions close
    them too). Idempotent."""
    today = timezone.localdate()
    open_ids = {int(value) for value in Task.objects.filter(
        kind=PO_OVERDUE, status=TaskStatus.OPEN,
        subject_type=ContentType.objects.get_for_model(PurchaseOrder),
    ).values_list("subject_id", flat=True) if value.isdigit()}
    closed = 0
    for po in PurchaseOrder.objects.filter(pk__in=open_ids).exclude(status__in=AWAITED):
        closed += close_overdue_task(po)
    late = (PurchaseOrder.objects.filter(status__in=AWAITED, expected_on__lt=today)
            .exclude(pk__in=open_ids).select_related("supplier")
            .order_by("expected_on", "pk")[:limit])
    opened = 0
    for po in late:
        task_actions.open_task(
            PO_OVERDUE, subject=po, actor=None,
            title=_("Purchase order %(number)s is overdue (expected %(day)s)")
            % {"number": po.number, "day": po.expected_on.isoformat()},
            detail=_("Supplier %(supplier)s has not delivered everything. Ask for a new "
                     "date, or cancel what will not come.") % {"supplier": po.supplier})
        opened += 1
    return OverdueSweep(opened, closed)
