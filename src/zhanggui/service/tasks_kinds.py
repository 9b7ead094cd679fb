"""The task kinds of the service desk (``zhanggui.tasks``), registered by
``ServiceConfig.ready``; ``sla.sweep_ticket_clocks`` opens them, resolving or closing the
ticket closes them. The tasks app escalates an unresolved one further to the lead."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

FIRST_REPLY_LATE = "ticket_first_reply_late"
RESOLUTION_LATE = "ticket_resolution_late"

register_kind(TaskKind(
    code=FIRST_REPLY_LATE, label=_("Ticket not answered in time"), role=Role.SERVICE,
    sla_hours=1,
    resolutions=(("answered", _("The customer has been answered")),)))
register_kind(TaskKind(
    code=RESOLUTION_LATE, label=_("Ticket not resolved in time"), role=Role.SERVICE,
    sla_hours=4,
    resolutions=(("resolved", _("The ticket has been resolved")),
                 ("waiting_on_customer", _("Waiting for the customer")))))
