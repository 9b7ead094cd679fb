"""Background work of the integrations app."""

from celery import shared_task
from django.utils import timezone

from zhanggui.integrations import actions


@shared_task
def purge_idempotency_keys_task() -> int:
    """Hourly (beat): delete the Idempotency-Keys past their lifetime."""
    return actions.purge_expired(timezone.now())
