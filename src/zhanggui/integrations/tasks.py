"""Background work of the integrations app."""

from celery import shared_task
from django.utils import timezone

from zhanggui.integrations import actions, webhooks


@shared_task
def purge_idempotency_keys_task() -> int:
    """Hourly (beat): delete the Idempotency-Keys past their lifetime."""
    return actions.purge_expired(timezone.now())


@shared_task
def deliver_webhooks_task() -> dict[str, int]:
    """Every 5 seconds (beat): fan new events out to the endpoints and send what is due."""
    return webhooks.deliver_due()
