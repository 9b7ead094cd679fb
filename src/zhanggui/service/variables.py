"""The values of a canned reply's variables for one ticket (read from the ticket's customer,
order and parcel)."""

from zhanggui.accounts.models import Staff
from zhanggui.fulfillment.models import Shipment
from zhanggui.service.models import Ticket


def _tracking_number(ticket: Ticket) -> str:
    if ticket.order_id is None:
        return ""
    shipment = (Shipment.objects.filter(order_id=ticket.order_id).exclude(tracking_number="")
                .order_by("-pk").first())
    return shipment.tracking_number if shipment else ""


def canned_values(ticket: Ticket, *, agent: Staff | None) -> dict[str, str]:
    """``nickname`` (the customer's, else the contact's name in a chat), ``order_number``,
    ``order_status`` (its label), ``tracking_number`` (the order's latest parcel) and
    ``agent`` (the answering staff member's display name); empty when unknown."""
    nickname = ""
    if ticket.customer_id is not None:
        nickname = ticket.customer.nickname
    elif ticket.channel in ("chat", "platform"):
        nickname = ticket.contact
    order = ticket.order if ticket.order_id is not None else None
    agent_name = ""
    if agent is not None:
        agent_name = getattr(agent, "display_name", "") or agent.get_username()
    return {
        "nickname": nickname or "",
        "order_number": order.number if order else "",
        "order_status": str(order.get_status_display()) if order else "",
        "tracking_number": _tracking_number(ticket),
        "agent": agent_name,
    }
