"""Tickets from outside: chat and platform conversations imported by API (idempotent by
their external ids) and e-mail (threaded onto the ticket it answers)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.service import mail_rules, queries
from zhanggui.service.actions import TicketInput, open_ticket
from zhanggui.service.actions_messages import record_inbound, record_outbound
from zhanggui.service.errors import InvalidConversation, InvalidMail
from zhanggui.service.locking import lock_ticket
from zhanggui.service.models import Ticket, TicketChannel, TicketMessage, TicketMessageDirection

IMPORT_CHANNELS = (TicketChannel.CHAT, TicketChannel.PLATFORM)


@dataclass(frozen=True)
class ImportedMessage:
    external_id: str
    direction: str  # "in" or "out"
    body: str
    sent_at: datetime
    agent_username: str = ""


@dataclass(frozen=True)
class ImportResult:
    ticket: Ticket
    created: bool
    added: int


def _check_messages(messages: list[ImportedMessage]) -> dict[str, Staff]:
    """Every message valid, or nothing is imported. Returns username → staff."""
    if not messages:
        raise InvalidConversation(problem="no messages")
    seen = set()
    for index, message in enumerate(messages, start=1):
        problem = None
        if not message.external_id or len(message.external_id) > 200:
            problem = "an external id of 1 to 200 characters"
        elif message.external_id in seen:
            problem = f"external id {message.external_id} twice"
        elif message.direction not in (TicketMessageDirection.INBOUND, TicketMessageDirection.OUTBOUND):
            problem = "direction in or out"
        elif not message.body.strip():
            problem = "some text"
        elif message.sent_at.tzinfo is None:
            problem = "a time with its time zone"
        if problem:
            raise InvalidConversation(problem=f"message {index}: {problem}")
        seen.add(message.external_id)
    names = {m.agent_username for m in messages if m.agent_username}
    agents = {staff.username: staff for staff in Staff.objects.filter(username__in=names)}
    unknown = sorted(names - set(agents))
    if unknown:
        raise InvalidConversation(problem="unknown agent " + ", ".join(unknown))
    return agents


def _links(customer_code: str, order_number: str) -> tuple[Customer | None, Order | None]:
    customer = order = None
    if customer_code:
        customer = Customer.objects.filter(code=customer_code).first()
        if customer is None:
            raise InvalidConversation(problem=f"unknown customer {customer_code}")
    if order_number:
        order = Order.objects.filter(number=order_number).first()
        if order is None:
            raise InvalidConversation(problem=f"unknown order {order_number}")
    return customer, order


def _open_for_conversation(channel, external_id, customer, order, first, contact, actor):
    data = TicketInput(channel=channel, subject=" ".join(first.body.split())[:60],
                       external_id=external_id, customer=customer, order=order,
                       contact=contact or (customer.nickname if customer else ""))
    try:
        with transaction.atomic():  # a savepoint: a concurrent import of it may win
            return open_ticket(data, actor=actor, opened_at=first.sent_at), True
    except IntegrityError:
        existing = Ticket.objects.filter(channel=channel, external_id=external_id).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def import_conversation(*, channel: str, external_id: str, messages: list[ImportedMessage],
                        actor: Staff | None, customer_code: str = "", order_number: str = "",
                        contact: str = "") -> ImportResult:
    """Import a chat or platform conversation: a new ticket the first time (opened at its
    first message), then only the messages not imported before. Inbound messages may reopen
    it and get automatic replies; outbound ones are staff answers (the first sets the first
    response).

    Raises:
        InvalidConversation: bad channel, conversation id, message, agent, customer or order
            (nothing imported).
        OrderNotCustomers: the order is another customer's.
    """
    if channel not in IMPORT_CHANNELS:
        raise InvalidConversation(problem=f"channel must be chat or platform, not {channel!r}")
    if not external_id or len(external_id) > 200:
        raise InvalidConversation(problem="a conversation id of 1 to 200 characters")
    agents = _check_messages(messages)
    customer, order = _links(customer_code, order_number)
    ordered = sorted(messages, key=lambda m: (m.sent_at, m.external_id))
    ticket = Ticket.objects.filter(channel=channel, external_id=external_id).first()
    created = False
    if ticket is None:
        ticket, created = _open_for_conversation(channel, external_id, customer, order,
                                                 ordered[0], contact, actor)
    ticket = lock_ticket(ticket)
    known = set(ticket.messages.exclude(external_id="").values_list("external_id", flat=True))
    added = 0
    for message in ordered:
        if message.external_id in known:
            continue
        if message.direction == TicketMessageDirection.INBOUND:
            record_inbound(ticket, body=message.body, sent_at=message.sent_at,
                           external_id=message.external_id, actor=actor)
        else:
            record_outbound(ticket, body=message.body, sent_at=message.sent_at,
                            author=agents.get(message.agent_username),
                            external_id=message.external_id)
        added += 1
    if added:
        log_operation(ticket, action="service.import_conversation", actor=actor,
                      after={"added": added, "created": created})
    return ImportResult(ticket=ticket, created=created, added=added)


# ---- e-mail -------------------------------------------------------------------------------

def _thread_ticket(mail: mail_rules.ParsedMail) -> Ticket | None:
    """The e-mail ticket this mail answers: by In-Reply-To / References (a message of the
    ticket, ours or the customer's), else by the [TK-…] tag in its subject when the sender
    is the ticket's contact."""
    if mail.thread_ids:
        message = (TicketMessage.objects.filter(external_id__in=mail.thread_ids,
                                                ticket__channel=TicketChannel.EMAIL)
                   .select_related("ticket").order_by("-sent_at").first())
        if message is not None:
            return message.ticket
        ticket = Ticket.objects.filter(channel=TicketChannel.EMAIL,
                                       external_id__in=mail.thread_ids).first()
        if ticket is not None:
            return ticket
    if mail.ticket_number:
        ticket = Ticket.objects.filter(number=mail.ticket_number).first()
        if ticket is not None and (ticket.contact or "").lower() == mail.from_address:
            return ticket
    return None


@transaction.atomic
def receive_mail(raw: bytes, *, actor: Staff | None) -> tuple[Ticket, bool]:
    """File an inbound e-mail: onto the ticket it answers, else as a new e-mail ticket from
    its sender (the customer found by e-mail address). The same Message-ID twice changes
    nothing. Returns the ticket and whether the mail was new.

    Raises:
        InvalidMail: unreadable, without a sender, or without any new text.
    """
    try:
        mail = mail_rules.parse_mail(raw)
    except (mail_rules.MailParseError, ValueError, TypeError) as exc:
        raise InvalidMail(problem=str(exc)) from None
    if mail.message_id:
        seen = (TicketMessage.objects.filter(external_id=mail.message_id,
                                             ticket__channel=TicketChannel.EMAIL)
                .select_related("ticket").first())
        if seen is not None:
            return seen.ticket, False
    body = mail.body or mail_rules.clean_subject(mail.subject)
    if not body:
        raise InvalidMail(problem="no text")
    sent_at = min(mail.sent_at or timezone.now(), timezone.now())
    ticket = _thread_ticket(mail)
    if ticket is not None:
        ticket = lock_ticket(ticket)
        record_inbound(ticket, body=body, sent_at=sent_at, external_id=mail.message_id,
                       actor=actor)
        return ticket, True
    customer = queries.find_customer_by_email(mail.from_address)
    data = TicketInput(channel=TicketChannel.EMAIL,
                       subject=mail_rules.clean_subject(mail.subject) or body[:60],
                       external_id=mail.message_id, customer=customer,
                       contact=mail.from_address)
    ticket = open_ticket(data, actor=actor, opened_at=sent_at)
    record_inbound(lock_ticket(ticket), body=body, sent_at=sent_at,
                   external_id=mail.message_id, actor=actor)
    return ticket, True
