"""Unsubscribing: signed links in every message, the public page they open, and the action
that records an unsubscription (from the link, a staff member or the API).

A link carries ``signing.dumps({"c": customer id, "ch": channel}, salt=SALT)``; the signature
is the credential (no login), so the page needs no CSRF token either: a mail client's
one-click POST (RFC 8058, ``List-Unsubscribe-Post``) is honoured as well as the page's button.
Links do not expire: an old message must still let its reader leave.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.customers.models import Customer
from zhanggui.marketing.errors_campaigns import InvalidUnsubscribe
from zhanggui.marketing.models_campaigns import (
    Message,
    MessageChannel,
    MessageStatus,
    Unsubscribe,
)

SALT = "marketing.unsubscribe"
DEFAULT_PUBLIC_URL = "http://localhost:8000"


def make_token(customer_id: int, channel: str = "") -> str:
    return signing.dumps({"c": customer_id, "ch": channel}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str]:
    """(customer id, channel or "") of a token.

    Raises:
        signing.BadSignature: a forged or damaged token.
    """
    data = signing.loads(token, salt=SALT)
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise signing.BadSignature("not an unsubscribe token")
    channel = data.get("ch") or ""
    if channel not in ("", *MessageChannel.values):
        raise signing.BadSignature("unknown channel")
    return data["c"], channel


def unsubscribe_url(customer_id: int, channel: str = "") -> str:
    """The absolute link of the public page (``ZHANGGUI_PUBLIC_URL`` + the path)."""
    base = getattr(settings, "ZHANGGUI_PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")
    return base + reverse("marketing_unsubscribe", args=[make_token(customer_id, channel)])


def is_unsubscribed(customer_id: int, channel: str) -> bool:
    return Unsubscribe.objects.filter(customer_id=customer_id, channel__in=("", channel)).exists()


@transaction.atomic
def record_unsubscribe(customer: Customer, *, channel: str = "", source: str,
                       actor: Staff | None) -> Unsubscribe:
    """Stop marketing messages to ``customer`` on ``channel`` ("" = every channel); the
    customer's queued messages on it are cancelled. Recording it twice changes nothing.

    Raises:
        InvalidUnsubscribe: an unknown channel.
    """
    if channel not in ("", *MessageChannel.values):
        raise InvalidUnsubscribe(channel=channel)
    existing = Unsubscribe.objects.filter(customer=customer, channel=channel).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Unsubscribe.objects.create(customer=customer, channel=channel,
                                             source=source[:40])
    except IntegrityError:  # recorded at the same moment by another request
        return Unsubscribe.objects.get(customer=customer, channel=channel)
    queued = Message.objects.select_for_update().filter(
        customer=customer, status=MessageStatus.QUEUED, campaign__isnull=False)
    if channel:
        queued = queued.filter(channel=channel)
    cancelled = queued.update(status=MessageStatus.CANCELLED, last_error="unsubscribed")
    log_operation(customer, action="marketing.unsubscribe", actor=actor,
                  after={"channel": channel or "*", "source": source,
                         "cancelled_messages": cancelled})
    return row


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public page of an unsubscribe link: GET asks to confirm, POST records it."""
    try:
        customer_id, channel = read_token(token)
        customer = Customer.objects.get(pk=customer_id)
    except (signing.BadSignature, Customer.DoesNotExist):
        return render(request, "marketing/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        record_unsubscribe(customer, channel=channel, source="link", actor=None)
        done = True
    channel_label = MessageChannel(channel).label if channel else ""
    return render(request, "marketing/unsubscribe.html",
                  {"done": done, "channel": channel_label, "nickname": customer.nickname})
