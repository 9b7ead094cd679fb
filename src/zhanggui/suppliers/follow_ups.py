"""Follow-up tasks of purchase orders (kinds registered in ``tasks_kinds``)."""

from zhanggui.suppliers.models import PurchaseOrder


def close_overdue_task(po: PurchaseOrder) -> None:
    """Close the PO's open ``po_overdue`` task, if any (filled in with the task kinds)."""
    return None
