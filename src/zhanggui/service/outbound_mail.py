"""E-mail to the customer of an e-mail ticket (Django's mail backend): an agent's reply and
the rating link. Sent after the action's transaction commits; a failure to send is logged
and never undoes the recorded reply."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.utils.translation import gettext as _

from zhanggui.service.models import Ticket, TicketChannel

logger = logging.getLogger(__name__)


def new_message_id() -> str:
    domain = getattr(settings, "ZHANGGUI_MAIL_DOMAIN", "zhanggui.localhost")
    return make_msgid(domain=domain)


def tagged_subject(ticket: Ticket) -> str:
    """``Re: [TK-…] subject``: the tag threads the customer's answer onto the ticket."""
    return f"Re: [{ticket.number}] {ticket.subject}"


def wants_mail(ticket: Ticket) -> bool:
    return ticket.channel == TicketChannel.EMAIL and "@" in (ticket.contact or "")


def send(ticket: Ticket, *, subject: str, body: str, message_id: str,
         in_reply_to: str = "") -> bool:
    """Send one e-mail to the ticket's contact; returns whether the backend accepted it."""
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    reply_to = getattr(settings, "ZHANGGUI_SERVICE_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    email = EmailMessage(subject=subject, body=body, from_email=reply_to,
                         to=[ticket.contact], headers=headers)
    try:
        return bool(email.send())
    except Exception:  # the reply is recorded; the mail server's failure is only logged
        logger.exception("could not e-mail ticket %s", ticket.number)
        return False


def send_reply(ticket: Ticket, *, body: str, message_id: str, in_reply_to: str) -> bool:
    return send(ticket, subject=tagged_subject(ticket), body=body, message_id=message_id,
                in_reply_to=in_reply_to)


def send_rating_link(ticket: Ticket, *, link: str) -> bool:
    body = _("Your request %(number)s has been resolved. How satisfied are you with our "
             "service? Rate it here (one click, no login): %(link)s") % {
        "number": ticket.number, "link": link}
    return send(ticket, subject=f"[{ticket.number}] " + _("How did we do?"), body=body,
                message_id=new_message_id())
