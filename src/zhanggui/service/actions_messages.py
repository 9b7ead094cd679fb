"""Messages on a ticket: the customer's (inbound, which reopens a resolved ticket and may get
an automatic reply), the agent's (outbound: the first one sets ``first_responded_at``; an
e-mail ticket's reply is e-mailed) and internal notes."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.service import outbound_mail, rules
from zhanggui.service.errors import CannedReplyInactive, EmptyMessage
from zhanggui.service.locking import TICKET_FIELDS, lock_ticket, require_status
from zhanggui.service.models import (
    AutoReplyRule,
    CannedReply,
    Ticket,
    TicketChannel,
    TicketMessage,
    TicketMessageDirection,
    TicketStatus,
)
from zhanggui.service.variables import canned_values

AUTO_REPLY_CHANNELS = (TicketChannel.CHAT, TicketChannel.PLATFORM, TicketChannel.EMAIL)
REPLYABLE = (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED)


def _text(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise EmptyMessage()
    return text


def _message(ticket: Ticket, *, direction: str, body: str, sent_at: datetime,
             author: Staff | None = None, external_id: str = "", is_auto_reply: bool = False,
             canned_reply: CannedReply | None = None) -> TicketMessage:
    return TicketMessage.objects.create(
        ticket=ticket, direction=direction, body=body, sent_at=sent_at, author=author,
        external_id=external_id[:200], is_auto_reply=is_auto_reply, canned_reply=canned_reply)


def auto_reply_for(ticket: Ticket, text: str) -> AutoReplyRule | None:
    """The first active auto-reply rule (by position) for the ticket's channel whose keywords
    are all among the words of ``text``."""
    if ticket.channel not in AUTO_REPLY_CHANNELS:
        return None
    candidates = [rules.AutoReplyCandidate(rule_id=r.pk, keywords=tuple(r.keywords or ()),
                                           channels=tuple(r.channels or ()), reply=r.reply)
                  for r in AutoReplyRule.objects.filter(is_active=True).order_by("position", "pk")]
    chosen = rules.choose_auto_reply(candidates, text=text, channel=ticket.channel)
    return None if chosen is None else AutoReplyRule.objects.get(pk=chosen.rule_id)


def record_inbound(ticket: Ticket, *, body: str, sent_at: datetime, external_id: str = "",
                   actor: Staff | None = None, auto_reply: bool = True) -> TicketMessage:
    """Append the customer's message to a locked ticket (inside the caller's transaction):
    a resolved or closed ticket is reopened, a pending one is open again; the first matching
    auto-reply rule answers at once (``is_auto_reply``, which is no staff response)."""
    text = _text(body)
    before = snapshot(ticket, TICKET_FIELDS)
    message = _message(ticket, direction=TicketMessageDirection.INBOUND, body=text, sent_at=sent_at,
                       external_id=external_id)
    if ticket.status != TicketStatus.OPEN:
        reopened = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        ticket.status = TicketStatus.OPEN
        if reopened:
            ticket.resolved_at = ticket.closed_at = None
        ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
        log_operation(ticket, action="service.reopen" if reopened else "service.customer_answered",
                      actor=actor, before=before, after=snapshot(ticket, TICKET_FIELDS))
    rule = auto_reply_for(ticket, text) if auto_reply else None
    if rule is not None:
        _auto_reply(ticket, rule=rule, after=message)
    return message


def _auto_reply(ticket: Ticket, *, rule: AutoReplyRule, after: TicketMessage) -> TicketMessage:
    body = rules.render_canned(rule.reply, canned_values(ticket, agent=None))
    reply = _message(ticket, direction=TicketMessageDirection.OUTBOUND, body=body,
                     sent_at=after.sent_at, is_auto_reply=True)
    log_operation(ticket, action="service.auto_reply", actor=None,
                  after={"rule": rule.pk, "message": reply.pk})
    if outbound_mail.wants_mail(ticket):
        message_id = outbound_mail.new_message_id()
        reply.external_id = message_id[:200]
        reply.save(update_fields=["external_id"])
        _mail_after_commit(ticket, body=body, message_id=message_id, in_reply_to=after.external_id)
    return reply


def _mail_after_commit(ticket: Ticket, *, body: str, message_id: str, in_reply_to: str) -> None:
    transaction.on_commit(lambda: outbound_mail.send_reply(
        ticket, body=body, message_id=message_id, in_reply_to=in_reply_to))


@transaction.atomic
def add_inbound_message(ticket: Ticket, *, body: str, actor: Staff | None,
                        sent_at: datetime | None = None, external_id: str = "") -> TicketMessage:
    """Record a message from the customer (typed by an agent from a call, or arriving by a
    channel). Reopens a resolved or closed ticket.

    Raises:
        EmptyMessage: no text.
    """
    ticket = lock_ticket(ticket)
    return record_inbound(ticket, body=body, sent_at=sent_at or timezone.now(),
                          external_id=external_id, actor=actor)


def record_outbound(ticket: Ticket, *, body: str, sent_at: datetime, author: Staff | None,
                    external_id: str = "", canned_reply: CannedReply | None = None
                    ) -> TicketMessage:
    """An agent's answer on a locked ticket (inside the caller's transaction): the first
    sets ``first_responded_at``; an unassigned ticket becomes the author's."""
    before = snapshot(ticket, TICKET_FIELDS)
    message = _message(ticket, direction=TicketMessageDirection.OUTBOUND, body=_text(body),
                       sent_at=sent_at, author=author, external_id=external_id,
                       canned_reply=canned_reply)
    changed = []
    if ticket.first_responded_at is None or sent_at < ticket.first_responded_at:
        ticket.first_responded_at = sent_at
        changed.append("first_responded_at")
    if ticket.assignee_id is None and author is not None:
        ticket.assignee = author
        changed.append("assignee")
    if changed:
        ticket.save(update_fields=[*changed, "updated_at"])
    log_operation(ticket, action="service.reply", actor=author, before=before,
                  after={**snapshot(ticket, TICKET_FIELDS), "message": message.pk})
    return message


@transaction.atomic
def reply_ticket(ticket: Ticket, *, body: str = "", actor: Staff,
                 canned_reply: CannedReply | None = None) -> TicketMessage:
    """Answer the customer. With a canned reply and no ``body``, its text with the ticket's
    variables filled is sent; with both, ``body`` (the agent's edit of it) is sent. The
    canned reply's ``used_count`` grows by one. An e-mail ticket's answer is e-mailed to its
    contact after commit.

    Raises:
        TicketState: the ticket is closed.
        CannedReplyInactive: the canned reply is switched off.
        EmptyMessage: nothing to send.
    """
    ticket = lock_ticket(ticket)
    require_status(ticket, REPLYABLE, "reply")
    if canned_reply is not None:
        canned_reply = CannedReply.objects.select_for_update().get(pk=canned_reply.pk)
        if not canned_reply.is_active:
            raise CannedReplyInactive(title=canned_reply.title)
        if not (body or "").strip():
            body = rules.render_canned(canned_reply.body, canned_values(ticket, agent=actor))
        CannedReply.objects.filter(pk=canned_reply.pk).update(used_count=F("used_count") + 1)
    message_id = outbound_mail.new_message_id() if outbound_mail.wants_mail(ticket) else ""
    message = record_outbound(ticket, body=body, sent_at=timezone.now(), author=actor,
                              external_id=message_id, canned_reply=canned_reply)
    if message_id:
        last_inbound = (ticket.messages.filter(direction=TicketMessageDirection.INBOUND)
                        .exclude(external_id="").order_by("-sent_at", "-pk").first())
        _mail_after_commit(ticket, body=message.body, message_id=message_id,
                           in_reply_to=last_inbound.external_id if last_inbound else "")
    return message


@transaction.atomic
def add_note(ticket: Ticket, *, body: str, actor: Staff) -> TicketMessage:
    """An internal note (never shown to the customer).

    Raises:
        EmptyMessage: no text.
    """
    ticket = lock_ticket(ticket)
    note = _message(ticket, direction=TicketMessageDirection.NOTE, body=_text(body),
                    sent_at=timezone.now(), author=actor)
    log_operation(ticket, action="service.note", actor=actor, after={"message": note.pk})
    return note
