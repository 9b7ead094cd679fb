"""Reads of campaigns, their recipients and messages, the contact policy and unsubscriptions
(API, console, workbench)."""

from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from zhanggui.core.errors import NotFound
from zhanggui.core.singletons import read_singleton
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignResult,
    CampaignStatus,
    ContactPolicy,
    Message,
    MessageStatus,
    Recipient,
    Unsubscribe,
)


def contact_policy() -> ContactPolicy:
    """The shop's contact policy: the saved row, or the defaults (unsaved) until changed."""
    return read_singleton(ContactPolicy)


def get_campaign(campaign_id: int) -> Campaign:
    try:
        return Campaign.objects.select_related("segment", "coupon_template",
                                               "promotion").get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise NotFound() from None


def list_campaigns(*, status: str | None = None, goal: str | None = None) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("segment", "coupon_template", "promotion")
    if status:
        qs = qs.filter(status=status)
    if goal:
        qs = qs.filter(goal=goal)
    return qs.order_by("-starts_at", "-id")


def campaign_messages(campaign: Campaign, *, status: str | None = None,
                      channel: str | None = None) -> QuerySet[Message]:
    qs = Message.objects.filter(campaign=campaign).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("id")


def _counts(qs: QuerySet, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("id")).order_by()}


def recipients_by_status(campaign: Campaign) -> dict[str, int]:
    return _counts(Recipient.objects.filter(campaign=campaign), "status")


def messages_by_status(campaign: Campaign) -> dict[str, int]:
    return _counts(Message.objects.filter(campaign=campaign), "status")


def skip_reasons(campaign: Campaign) -> dict[str, int]:
    return _counts(Recipient.objects.filter(campaign=campaign).exclude(skip_reason=""),
                   "skip_reason")


def campaign_results(campaign: Campaign) -> list[CampaignResult]:
    """The whole campaign's row first, then one per arm."""
    return list(CampaignResult.objects.filter(campaign=campaign).order_by("arm"))


def list_unsubscribes(*, customer_id: int | None = None) -> QuerySet[Unsubscribe]:
    qs = Unsubscribe.objects.select_related("customer").order_by("-created_at", "-id")
    return qs.filter(customer_id=customer_id) if customer_id else qs


def campaigns_starting_between(start: datetime, end: datetime) -> QuerySet[Campaign]:
    """Prepared or sending campaigns whose period starts within [start, end)."""
    return Campaign.objects.filter(
        status__in=(CampaignStatus.SCHEDULED, CampaignStatus.SENDING),
        starts_at__gte=start, starts_at__lt=end)


def failed_messages(*, since: datetime | None = None) -> QuerySet[Message]:
    """Messages that failed for good (their retries used up, or no address)."""
    qs = Message.objects.filter(status=MessageStatus.FAILED)
    return qs.filter(created_at__gte=since) if since else qs


def due_message_ids(*, limit: int, now: datetime | None = None) -> list[int]:
    """Queued messages whose time has come, oldest first."""
    now = now or timezone.now()
    return list(Message.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now)
                .order_by("send_after", "id").values_list("id", flat=True)[:limit])
