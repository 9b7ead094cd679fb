"""The customer's rating link: a signed token (``django.core.signing``, salt
``service.rating``) naming the ticket, valid ``ServicePolicy.csat_link_days`` days. The
signature is the credential of the public page ``/rate/<token>/``: no login."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from zhanggui.service import queries
from zhanggui.service.errors import RatingLinkExpired, RatingLinkInvalid, TicketNotFound
from zhanggui.service.models import Ticket

SALT = "service.rating"
DEFAULT_PUBLIC_URL = "http://localhost:8000"


def make_token(ticket: Ticket) -> str:
    return signing.dumps({"ticket": ticket.pk, "number": ticket.number}, salt=SALT,
                         compress=True)


def rating_path(ticket: Ticket) -> str:
    return reverse("service_rate", args=[make_token(ticket)])


def rating_url(ticket: Ticket) -> str:
    """The absolute link (``ZHANGGUI_PUBLIC_URL`` + the path) to give the customer."""
    base = getattr(settings, "ZHANGGUI_PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}{rating_path(ticket)}"


def ticket_for_token(token: str) -> Ticket:
    """The ticket the token names.

    Raises:
        RatingLinkExpired: older than the policy's ``csat_link_days``.
        RatingLinkInvalid: forged, altered, or naming no ticket.
    """
    max_age = queries.get_policy().csat_link_days * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise RatingLinkExpired() from None
    except signing.BadSignature:
        raise RatingLinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("ticket"), int):
        raise RatingLinkInvalid()
    try:
        ticket = queries.get_ticket(data["ticket"])
    except TicketNotFound:
        raise RatingLinkInvalid() from None
    if ticket.number != data.get("number"):
        raise RatingLinkInvalid()
    return ticket
