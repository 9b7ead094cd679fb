"""The task kinds of purchasing (``zhanggui.tasks``), registered by
``SuppliersConfig.ready``; ``follow_ups`` opens and closes them."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

PO_OVERDUE = "po_overdue"
RECEIPT_REJECTED = "receipt_rejected"

register_kind(TaskKind(
    code=PO_OVERDUE, label=_("Purchase order overdue"), role=Role.FINANCE, sla_hours=24,
    resolutions=(("new_date_agreed", _("Supplier gave a new date")),
                 ("cancelled", _("Purchase order cancelled")))))
register_kind(TaskKind(
    code=RECEIPT_REJECTED, label=_("Units rejected at inspection"), role=Role.FINANCE,
    sla_hours=48,
    resolutions=(("returned_for_credit", _("Returned to the supplier for a credit")),
                 ("replaced", _("Supplier sends replacements")),
                 ("written_off", _("Written off")))))
