"""Ticket writes: open (numbered, clocked, assigned by rule), assign, wait for the customer,
resolve, close, and the customer's rating. Messages are in ``actions_messages``.

Every action runs in one transaction, locks the ticket row, writes the operation log and
raises a ``DomainError`` subclass (``service.errors``) on refusal, changing nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.service import events as service_events
from zhanggui.service import outbound_mail, queries, rating, rules
from zhanggui.service.actions_messages import record_inbound
from zhanggui.service.errors import (
    AlreadyRated,
    ComplaintNeedsClassification,
    InvalidAgent,
    InvalidRating,
    InvalidTicketData,
    OrderNotCustomers,
    RequestNotOrders,
)
from zhanggui.service.locking import TICKET_FIELDS, lock_ticket, require_status
from zhanggui.service.models import (
    AssignmentRule,
    ComplaintNature,
    Ticket,
    TicketChannel,
    TicketKind,
    TicketSeverity,
    TicketStatus,
)
from zhanggui.tasks.actions import close_tasks_for

ACTIVE = (TicketStatus.OPEN, TicketStatus.PENDING)
SLA_KINDS = ("ticket_first_reply_late", "ticket_resolution_late")


@dataclass(frozen=True)
class TicketInput:
    """What a new ticket says. ``severity`` is required for a complaint (with ``nature``);
    other kinds default to low."""

    channel: str
    subject: str
    kind: str = TicketKind.INQUIRY
    body: str = ""
    nature: str = ""
    severity: str = ""
    contact: str = ""
    external_id: str = ""
    customer: Customer | None = None
    order: Order | None = None
    aftersales_request: AftersalesRequest | None = None


def _check_choices(data: TicketInput) -> None:
    problems = []
    if data.channel not in TicketChannel.values:
        problems.append(f"channel {data.channel!r}")
    if data.kind not in TicketKind.values:
        problems.append(f"kind {data.kind!r}")
    if data.nature and data.nature not in ComplaintNature.values:
        problems.append(f"nature {data.nature!r}")
    if data.severity and data.severity not in TicketSeverity.values:
        problems.append(f"severity {data.severity!r}")
    if not data.subject.strip() or len(data.subject) > 200:
        problems.append("subject (1 to 200 characters)")
    if len(data.contact) > 254 or len(data.external_id) > 200:
        problems.append("contact or external id too long")
    if problems:
        raise InvalidTicketData(problem=", ".join(problems))
    if data.kind == TicketKind.COMPLAINT and not (data.nature and data.severity):
        raise ComplaintNeedsClassification()


def _links(data: TicketInput) -> tuple[Customer | None, Order | None, AftersalesRequest | None]:
    """The customer, order and request, each checked against the other (a request names its
    order, an order its customer, when they are not given)."""
    customer, order, request = data.customer, data.order, data.aftersales_request
    if request is not None:
        if order is None:
            order = request.order
        elif request.order_id != order.pk:
            raise RequestNotOrders(request=request.number, order=order.number)
    if order is not None:
        if customer is None:
            customer = order.customer
        elif order.customer_id != customer.pk:
            raise OrderNotCustomers(order=order.number, customer=customer.code)
    return customer, order, request


def _new_number() -> str:
    """Today's next ticket number, given under the policy row's lock (no two alike)."""
    queries.lock_policy()
    day = timezone.localdate()
    used = Ticket.objects.filter(number__startswith=rules.ticket_number_prefix(day)
                                 ).values_list("number", flat=True)
    return rules.ticket_number(day, rules.next_ticket_sequence(used, day))


def choose_assignee(*, channel: str, kind: str, severity: str, text: str) -> Staff | None:
    """The least-loaded active agent of the first active assignment rule (by position) that
    matches; None when no rule matches or its agents are all inactive."""
    for rule in AssignmentRule.objects.filter(is_active=True).prefetch_related("agents"):
        candidate = rules.AssignmentCandidate(
            rule_id=rule.pk, channel=rule.channel, kind=rule.kind,
            min_severity=rule.min_severity, keywords=tuple(rule.keywords or ()))
        if rules.assignment_rule_matches(candidate, channel=channel, kind=kind,
                                         severity=severity, text=text):
            agent_id = rules.least_loaded(queries.agent_loads([a.pk for a in rule.agents.all()]))
            return None if agent_id is None else Staff.objects.get(pk=agent_id)
    return None


@transaction.atomic
def open_ticket(data: TicketInput, *, actor: Staff | None,
                opened_at: datetime | None = None) -> Ticket:
    """Open a ticket: number ``TK-yyyymmdd-nnnn``, clocks from the policy's working hours,
    the assignee from the assignment rules; ``body`` becomes the customer's first message
    (which may get an automatic reply).

    Raises:
        InvalidTicketData: an unknown channel, kind, nature or severity; no subject.
        ComplaintNeedsClassification: a complaint without nature and severity.
        OrderNotCustomers, RequestNotOrders: the links do not belong together.
    """
    _check_choices(data)
    customer, order, request = _links(data)
    opened_at = opened_at or timezone.now()
    policy = queries.get_policy()
    hours = queries.working_hours(policy)
    severity = data.severity or TicketSeverity.LOW
    ticket = Ticket.objects.create(
        number=_new_number(), channel=data.channel, external_id=data.external_id,
        kind=data.kind, nature=data.nature if data.kind == TicketKind.COMPLAINT else "",
        severity=severity, subject=data.subject.strip(), customer=customer, order=order,
        aftersales_request=request, contact=data.contact.strip(), opened_at=opened_at,
        first_response_due_at=rules.add_working_minutes(opened_at, policy.first_response_minutes,
                                                        hours),
        resolution_due_at=rules.add_working_minutes(opened_at, policy.resolution_hours * 60,
                                                    hours),
        assignee=choose_assignee(channel=data.channel, kind=data.kind, severity=severity,
                                 text=f"{data.subject}\n{data.body}"))
    log_operation(ticket, action="service.open", actor=actor,
                  after={**snapshot(ticket, TICKET_FIELDS), "channel": ticket.channel})
    service_events.ticket_opened(ticket)
    if data.body.strip():
        record_inbound(ticket, body=data.body, sent_at=opened_at, actor=actor)
    return ticket


def _may_answer(agent: Staff) -> bool:
    return agent.is_active and agent.has_perm(queries.ANSWER_PERMISSION)


@transaction.atomic
def assign_ticket(ticket: Ticket, *, agent: Staff, actor: Staff) -> Ticket:
    """Give an active ticket to ``agent`` (or reassign it).

    Raises:
        TicketState: the ticket is resolved or closed.
        InvalidAgent: the agent is inactive or may not answer tickets.
    """
    agent = Staff.objects.get(pk=agent.pk)  # as stored now, permissions fresh
    if not _may_answer(agent):
        raise InvalidAgent(agent=str(agent))
    ticket = lock_ticket(ticket)
    require_status(ticket, ACTIVE, "assign")
    if ticket.assignee_id == agent.pk:
        return ticket
    before = snapshot(ticket, TICKET_FIELDS)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee", "updated_at"])
    log_operation(ticket, action="service.assign", actor=actor, before=before,
                  after=snapshot(ticket, TICKET_FIELDS))
    return ticket


@transaction.atomic
def set_pending(ticket: Ticket, *, actor: Staff) -> Ticket:
    """Wait for the customer (an open ticket). Raises: TicketState."""
    ticket = lock_ticket(ticket)
    require_status(ticket, (TicketStatus.OPEN,), "wait for the customer")
    before = snapshot(ticket, TICKET_FIELDS)
    ticket.status = TicketStatus.PENDING
    ticket.save(update_fields=["status", "updated_at"])
    log_operation(ticket, action="service.pending", actor=actor, before=before,
                  after=snapshot(ticket, TICKET_FIELDS))
    return ticket


def _after_done(ticket: Ticket, *, first_time: bool, actor: Staff | None) -> None:
    """Close the ticket's SLA tasks; e-mail the rating link the first time it is done."""
    for kind in SLA_KINDS:
        close_tasks_for(ticket, kind=kind, actor=actor, note=ticket.number)
    if first_time and outbound_mail.wants_mail(ticket):
        link = rating.rating_url(ticket)
        transaction.on_commit(lambda: outbound_mail.send_rating_link(ticket, link=link))


@transaction.atomic
def resolve_ticket(ticket: Ticket, *, actor: Staff, note: str = "") -> Ticket:
    """The customer's question is answered: ``resolved_at`` is now.

    Raises:
        TicketState: the ticket is not open or pending.
    """
    ticket = lock_ticket(ticket)
    require_status(ticket, ACTIVE, "resolve")
    before = snapshot(ticket, TICKET_FIELDS)
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, timezone.now()
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    log_operation(ticket, action="service.resolve", actor=actor, before=before,
                  after=snapshot(ticket, TICKET_FIELDS), note=note)
    _after_done(ticket, first_time=ticket.rating is None, actor=actor)
    return ticket


@transaction.atomic
def close_ticket(ticket: Ticket, *, actor: Staff, note: str = "") -> Ticket:
    """Close an open, pending or resolved ticket (``resolved_at`` is set if it was not).

    Raises:
        TicketState: the ticket is already closed.
    """
    ticket = lock_ticket(ticket)
    require_status(ticket, (*ACTIVE, TicketStatus.RESOLVED), "close")
    before = snapshot(ticket, TICKET_FIELDS)
    now = timezone.now()
    first_time = ticket.status != TicketStatus.RESOLVED
    ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
    ticket.resolved_at = ticket.resolved_at or now
    ticket.save(update_fields=["status", "closed_at", "resolved_at", "updated_at"])
    log_operation(ticket, action="service.close", actor=actor, before=before,
                  after=snapshot(ticket, TICKET_FIELDS), note=note)
    _after_done(ticket, first_time=first_time and ticket.rating is None, actor=actor)
    return ticket


@transaction.atomic
def rate_ticket(ticket: Ticket, *, rating_value: int, comment: str = "",
                actor: Staff | None = None) -> Ticket:
    """The customer's satisfaction, once, after the ticket is resolved or closed.

    Raises:
        InvalidRating: not a whole number from 1 to 5, or a comment over 500 characters.
        TicketState: the ticket is still open or pending.
        AlreadyRated: it was rated before.
    """
    if isinstance(rating_value, bool) or not isinstance(rating_value, int) or not (
            1 <= rating_value <= 5) or len(comment or "") > 500:
        raise InvalidRating()
    ticket = lock_ticket(ticket)
    require_status(ticket, (TicketStatus.RESOLVED, TicketStatus.CLOSED), "rate")
    if ticket.rating is not None:
        raise AlreadyRated(number=ticket.number)
    before = snapshot(ticket, TICKET_FIELDS)
    ticket.rating, ticket.rating_comment = rating_value, (comment or "").strip()
    ticket.rated_at = timezone.now()
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    log_operation(ticket, action="service.rate", actor=actor, before=before,
                  after=snapshot(ticket, TICKET_FIELDS))
    return ticket
