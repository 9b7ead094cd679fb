"""Shared helpers of the service desk's actions: the ticket row locked, its state checked,
and the fields the operation log keeps."""

from collections.abc import Sequence

from zhanggui.service.errors import TicketState
from zhanggui.service.models import Ticket

TICKET_FIELDS = ("status", "kind", "nature", "severity", "assignee_id", "customer_id",
                 "order_id", "aftersales_request_id", "first_responded_at", "resolved_at",
                 "closed_at", "escalated_at", "rating")


def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket row locked for update, refreshed (the caller's object may be stale)."""
    return Ticket.objects.select_for_update(of=("self",)).select_related(
        "customer", "order", "assignee").get(pk=ticket.pk)


def require_status(ticket: Ticket, allowed: Sequence[str], action: str) -> None:
    """Raises: TicketState when the ticket's status is not one of ``allowed``."""
    if ticket.status not in allowed:
        raise TicketState(number=ticket.number, status=ticket.get_status_display(),
                          action=action)
