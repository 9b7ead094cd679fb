"""Deliver soon after a commit: a transaction that wrote events queues one delivery run at
once, instead of waiting for the beat's next tick (every 5 s). At most one run is queued per
``NUDGE_SECONDS`` across every web process (an atomic add in the shared cache: Redis in
production), and none when no endpoint is active or Celery runs tasks in-process (there the
delivery would run inside the request)."""

from django.conf import settings
from django.core.cache import cache

NUDGE_SECONDS = 1
ACTIVE_CHECK_SECONDS = 10
_NUDGE_KEY = "integrations:webhook-nudge"
_ACTIVE_KEY = "integrations:webhooks-active"


def _any_active_endpoint() -> bool:
    active = cache.get(_ACTIVE_KEY)
    if active is None:
        from zhanggui.integrations.models import WebhookEndpoint

        active = WebhookEndpoint.objects.filter(is_active=True).exists()
        cache.set(_ACTIVE_KEY, active, ACTIVE_CHECK_SECONDS)
    return active


def forget_active_state() -> None:
    """An endpoint was added or turned on or off: check again on the next commit."""
    cache.delete(_ACTIVE_KEY)


def on_events_committed(sender, **_kwargs) -> bool:
    """Receiver of ``events.signals.events_committed``; returns whether a run was queued."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not _any_active_endpoint():
        return False
    if not cache.add(_NUDGE_KEY, 1, NUDGE_SECONDS):
        return False  # a run is already queued for this second
    from zhanggui.integrations.tasks import deliver_webhooks_task

    deliver_webhooks_task.delay()
    return True
