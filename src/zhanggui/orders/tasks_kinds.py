"""The task kinds of the orders app (``zhanggui.tasks``), registered by ``OrdersConfig.ready``,
and the helpers review and payment callbacks open and close them with."""

from collections.abc import Iterable

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.models import Staff
from zhanggui.tasks import actions as task_actions
from zhanggui.tasks.registry import TaskKind, register_kind

ORDER_HELD = "order_held"
PAYMENT_CALLBACK_FAILED = "payment_callback_failed"

register_kind(TaskKind(
    code=ORDER_HELD, label=_("Order held by review rules"), role="service", sla_hours=2,
    resolutions=(("released", _("Holds released")), ("cancelled", _("Order cancelled")),
                 ("overridden", _("Reviewed despite the holds")))))
register_kind(TaskKind(
    code=PAYMENT_CALLBACK_FAILED, label=_("Payment callback refused"), role="finance",
    sla_hours=4,
    resolutions=(("refunded", _("Money returned to the buyer")),
                 ("applied_by_hand", _("Payment recorded by hand")))))


def open_order_tasks(held: Iterable[tuple], *, actor: Staff | None) -> None:
    """Open (or keep) the ``order_held`` task of each (order, holds) pair."""
    for order, holds in held:
        task_actions.open_task(
            ORDER_HELD, subject=order, actor=actor,
            title=_t("Order %(number)s held: %(rules)d rule(s)") % {"number": order.number,
                                                                     "rules": len(holds)},
            detail="\n".join(hold.reason for hold in holds))


def close_order_tasks(orders: Iterable, *, resolution: str, actor: Staff | None,
                      note: str = "") -> None:
    for order in orders:
        task_actions.close_tasks_for(order, kind=ORDER_HELD, resolution=resolution, actor=actor,
                                     note=note)


def open_callback_task(callback, *, actor: Staff | None) -> None:
    task_actions.open_task(
        PAYMENT_CALLBACK_FAILED, subject=callback, actor=actor,
        title=_t("Payment callback %(transaction)s refused: %(code)s") % {
            "transaction": callback.transaction_id, "code": callback.error_code},
        detail=callback.error_message)
