"""The to-dos of the service desk: my open tickets, first replies overdue, complaints open.
Each list URL filters exactly the rows counted (``console/admin/service.py`` filters use the
same conditions as ``service.queries.todo_counts``)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.providers import list_url
from zhanggui.console.workbench.registry import DANGER, INFO, WARNING, Context, Todo, register
from zhanggui.service.queries import todo_counts

VIEW = "service.view_ticket"


def ticket_counts(context: Context) -> dict:
    return todo_counts(context.user, context.now)


register(Todo(
    "tickets_mine", _("My open tickets"), "support_agent", (VIEW, "service.reply_ticket"),
    count=lambda ctx: ctx.batch(ticket_counts)["mine"],
    url=lambda: list_url("service.ticket", "scope=mine&state=active"),
    severity=INFO,
    help=_("Tickets assigned to you that are open or waiting for the customer.")))
register(Todo(
    "tickets_first_reply_overdue", _("First replies overdue"), "timer_off",
    (VIEW, "service.reply_ticket"),
    count=lambda ctx: ctx.batch(ticket_counts)["first_reply_overdue"],
    url=lambda: list_url("service.ticket", "sla=first_reply_overdue"),
    severity=DANGER,
    help=_("Customers who have had no answer from a person by the first-reply due time.")))
register(Todo(
    "tickets_complaints_open", _("Complaints open"), "report", (VIEW, "service.reply_ticket"),
    count=lambda ctx: ctx.batch(ticket_counts)["complaints_open"],
    url=lambda: list_url("service.ticket", "kind__exact=complaint&state=active"),
    severity=WARNING,
    help=_("Complaints not yet resolved, whoever has them.")))
