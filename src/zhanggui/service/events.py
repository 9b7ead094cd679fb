"""The service desk's domain event (``events.catalogue``: ticket.opened), written in the
transaction that opens the ticket. Its subject, contact and messages stay out of it."""

from zhanggui.events import actions as events
from zhanggui.service.models import Ticket


def ticket_opened(ticket: Ticket) -> None:
    events.record("ticket.opened", subject_id=ticket.pk, occurred_at=ticket.opened_at, data={
        "ticket_id": ticket.pk, "number": ticket.number, "channel": ticket.channel,
        "kind": ticket.kind, "nature": ticket.nature, "severity": ticket.severity,
        "status": ticket.status, "customer_id": ticket.customer_id, "order_id": ticket.order_id,
        "aftersales_request_id": ticket.aftersales_request_id,
        "assignee_id": ticket.assignee_id, "opened_at": ticket.opened_at,
        "first_response_due_at": ticket.first_response_due_at,
        "resolution_due_at": ticket.resolution_due_at})
