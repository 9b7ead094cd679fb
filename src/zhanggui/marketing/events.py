"""The campaigns' domain event (``events.catalogue``: campaign.sent), written in the
transaction that finds a campaign's sending finished. Its texts stay out of it."""

from django.db.models import Count, Q

from zhanggui.events import actions as events
from zhanggui.marketing.models_campaigns import Campaign, Message, MessageStatus


def campaign_sent(campaign: Campaign) -> None:
    counts = Message.objects.filter(campaign_id=campaign.pk).aggregate(
        sent=Count("pk", filter=Q(status=MessageStatus.SENT)),
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)))
    events.record("campaign.sent", subject_id=campaign.pk, occurred_at=campaign.sent_at, data={
        "campaign_id": campaign.pk, "code": campaign.code, "goal": campaign.goal,
        "status": campaign.status, "channels": list(campaign.channels),
        "messages_sent": counts["sent"], "messages_failed": counts["failed"],
        "sent_at": campaign.sent_at})
