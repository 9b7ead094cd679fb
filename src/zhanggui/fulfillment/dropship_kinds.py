"""The task kinds of drop-ship supplier orders (``zhanggui.tasks``), registered by
``FulfillmentConfig.ready``: a supplier order not shipped in time, a SKU without the
supplier's price."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

DROPSHIP_LATE = "dropship_late"
DROPSHIP_COST_MISSING = "dropship_cost_missing"

register_kind(TaskKind(
    code=DROPSHIP_LATE, label=_("Drop-ship order not shipped in time"),
    role=Role.OPERATOR, sla_hours=4,
    resolutions=(("supplier_chased", _("Supplier chased, shipping today")),
                 ("rerouted", _("Sent from another warehouse")))))
register_kind(TaskKind(
    code=DROPSHIP_COST_MISSING, label=_("Drop-ship SKU without a supplier price"),
    role=Role.FINANCE, sla_hours=48,
    resolutions=(("price_entered", _("Supplier price entered")),)))
