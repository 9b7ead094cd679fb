"""Service desk API, mounted at ``/api/v1/service``: tickets (list, one with its messages,
open, reply, note, assign, wait, resolve, close), conversation import from chat and
platforms, inbound e-mail from a mail relay, and canned replies.

Thin: ``require_perm`` first, then one query or action. Reading needs
``service.view_ticket``; answering, resolving and closing ``service.reply_ticket``;
assigning ``service.assign_ticket``; opening and importing ``service.add_ticket`` and
``service.add_ticketmessage``. Contacts are masked without ``customers.view_personal_data``.
"""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.accounts.models import Staff
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.service import actions, actions_messages, inbound, queries, rules
from zhanggui.service.api_schemas import (
    CannedReplyOut,
    ConversationIn,
    ConversationOut,
    InboundMailIn,
    InboundMailOut,
    TicketAssignIn,
    TicketDetailOut,
    TicketDoneIn,
    TicketFilter,
    TicketIn,
    TicketMessageOut,
    TicketNoteIn,
    TicketOut,
    TicketReplyIn,
)
from zhanggui.service.models import CannedReply
from zhanggui.service.variables import canned_values

router = Router()
VIEW = "service.view_ticket"


@router.get("/tickets", response={200: list[TicketOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_tickets(request, filters: Query[TicketFilter]):
    """Tickets, newest first (filters: status, kind, channel, assignee=me, overdue)."""
    require_perm(request, "service.view_ticket")
    values = filters.model_dump()
    values["assignee"] = request.user if values.pop("assignee") == "me" else None
    return queries.list_tickets(**values)


@router.post("/tickets", response={201: TicketDetailOut, **ERRORS})
def open_ticket(request, payload: TicketIn):
    """Open a ticket (a phone call typed by the agent, a walk-in, …)."""
    require_perm(request, "service.add_ticket", "service.add_ticketmessage")
    data = actions.TicketInput(
        channel=payload.channel, subject=payload.subject, kind=payload.kind, body=payload.body,
        nature=payload.nature, severity=payload.severity, contact=payload.contact,
        customer=get_object_or_404(Customer, pk=payload.customer_id)
        if payload.customer_id else None,
        order=get_object_or_404(Order, pk=payload.order_id) if payload.order_id else None,
        aftersales_request=get_object_or_404(AftersalesRequest, pk=payload.aftersales_request_id)
        if payload.aftersales_request_id else None)
    ticket = actions.open_ticket(data, actor=request.user)
    return Status(201, queries.get_ticket(ticket.pk))


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request, ticket_id: Id):
    """A ticket with its conversation (notes included)."""
    require_perm(request, "service.view_ticket", "service.view_ticketmessage")
    return queries.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/reply", response={201: TicketMessageOut, **ERRORS})
def reply_ticket(request, ticket_id: Id, payload: TicketReplyIn):
    """Answer the customer (text, or a canned reply with its variables filled)."""
    require_perm(request, "service.reply_ticket")
    canned = (queries.get_canned_reply(payload.canned_reply_id)
              if payload.canned_reply_id else None)
    return Status(201, actions_messages.reply_ticket(
        queries.get_ticket(ticket_id), body=payload.body, canned_reply=canned,
        actor=request.user))


@router.post("/tickets/{ticket_id}/notes", response={201: TicketMessageOut, **ERRORS})
def add_note(request, ticket_id: Id, payload: TicketNoteIn):
    """An internal note, never shown to the customer."""
    require_perm(request, "service.add_ticketmessage")
    return Status(201, actions_messages.add_note(queries.get_ticket(ticket_id),
                                                 body=payload.body, actor=request.user))


@router.post("/tickets/{ticket_id}/assign", response={200: TicketOut, **ERRORS})
def assign_ticket(request, ticket_id: Id, payload: TicketAssignIn):
    """Give the ticket to an agent (any active staff member who may answer tickets)."""
    require_perm(request, "service.assign_ticket")
    agent = get_object_or_404(Staff, pk=payload.agent_id)
    actions.assign_ticket(queries.get_ticket(ticket_id), agent=agent, actor=request.user)
    return queries.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/pending", response={200: TicketOut, **ERRORS})
def set_pending(request, ticket_id: Id):
    """Wait for the customer; their next message opens the ticket again."""
    require_perm(request, "service.reply_ticket")
    actions.set_pending(queries.get_ticket(ticket_id), actor=request.user)
    return queries.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/resolve", response={200: TicketDetailOut, **ERRORS})
def resolve_ticket(request, ticket_id: Id, payload: TicketDoneIn):
    """Resolved: an e-mail ticket's customer gets the rating link by e-mail; for other
    channels ``rating_link`` is the link to paste."""
    require_perm(request, "service.reply_ticket")
    actions.resolve_ticket(queries.get_ticket(ticket_id), actor=request.user, note=payload.note)
    return queries.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/close", response={200: TicketDetailOut, **ERRORS})
def close_ticket(request, ticket_id: Id, payload: TicketDoneIn):
    """Closed (resolved now if it was not)."""
    require_perm(request, "service.reply_ticket")
    actions.close_ticket(queries.get_ticket(ticket_id), actor=request.user, note=payload.note)
    return queries.get_ticket(ticket_id)


@router.post("/conversations", response={200: ConversationOut, 201: ConversationOut, **ERRORS})
def import_conversation(request, payload: ConversationIn):
    """Import a chat or platform conversation; importing it again adds only the messages
    with new external ids (201 when a ticket was opened, else 200)."""
    require_perm(request, "service.add_ticket", "service.add_ticketmessage")
    result = inbound.import_conversation(
        channel=payload.channel, external_id=payload.external_id, actor=request.user,
        customer_code=payload.customer_code, order_number=payload.order_number,
        contact=payload.contact,
        messages=[inbound.ImportedMessage(external_id=m.external_id, direction=m.direction,
                                          body=m.body, sent_at=m.sent_at, agent_username=m.agent)
                  for m in payload.messages])
    body = {"ticket": queries.get_ticket(result.ticket.pk), "created": result.created,
            "added": result.added}
    return Status(201 if result.created else 200, body)


@router.post("/inbound-mail", response={200: InboundMailOut, **ERRORS})
def inbound_mail(request, payload: InboundMailIn):
    """File one e-mail (from a mail relay): ``raw`` is the RFC 822 message. It threads onto
    the ticket it answers or opens one; the same Message-ID twice changes nothing."""
    require_perm(request, "service.add_ticket", "service.add_ticketmessage")
    ticket, new = inbound.receive_mail(payload.raw.encode("utf-8", errors="surrogateescape"),
                                       actor=request.user)
    return {"ticket": queries.get_ticket(ticket.pk), "is_new_message": new}


@router.get("/canned-replies", response={200: list[CannedReplyOut], **ERRORS})
def list_canned_replies(request, ticket_id: Id | None = None, include_inactive: bool = False):
    """Canned replies (active ones unless asked); with ``ticket_id``, each one's text filled
    for that ticket and you (``rendered``)."""
    require_perm(request, "service.view_cannedreply")
    replies = CannedReply.objects.order_by("title")
    if not include_inactive:
        replies = replies.filter(is_active=True)
    values = None
    if ticket_id is not None:
        require_perm(request, VIEW)
        values = canned_values(queries.get_ticket(ticket_id), agent=request.user)
    return [{**{f: getattr(r, f) for f in ("id", "title", "body", "kind", "is_active",
                                           "used_count")},
             "rendered": rules.render_canned(r.body, values) if values is not None else None}
            for r in replies]
