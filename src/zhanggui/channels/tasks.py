"""Background work of the channel stock sync (eager in-process unless REDIS_URL is set).

After each commit that changed stock, inventory calls ``on_stock_changed`` with the SKUs:
they are marked (``SyncMark``) and one ``sync_marked`` is queued to run after
``CHANNEL_SYNC_DEBOUNCE_SECONDS`` — a cache key stands for the queued run, so a burst of
changes queues it once. The run drops the key first (a change after that queues the next
run), recomputes the marked SKUs, pushes what changed to every active channel and clears the
marks it handled. ``sync_all_task`` (beat, every 15 minutes) recomputes and pushes everything.
"""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhanggui.channels import actions_sync
from zhanggui.channels.models import PublishTrigger

logger = logging.getLogger(__name__)
QUEUED_KEY = "channels:sync-queued"


def debounce_seconds() -> int:
    return settings.ZHANGGUI["CHANNEL_SYNC_DEBOUNCE_SECONDS"]


def on_stock_changed(sku_ids: set[int]) -> None:
    """The inventory listener (``apps.ready``). Never raises: the stock change has committed
    already, and the 15-minute full sync catches up with anything missed here."""
    try:
        request_sync(sku_ids)
    except Exception:
        logger.exception("channel stock sync not queued for %d SKUs", len(sku_ids))


def request_sync(sku_ids: Iterable[int]) -> None:
    """Mark the SKUs and queue one debounced sync (unless one is queued already)."""
    actions_sync.mark_changed(sku_ids)
    seconds = debounce_seconds()
    if cache.add(QUEUED_KEY, True, timeout=seconds + 60):
        sync_marked.apply_async(countdown=seconds)


def request_sync_on_commit(sku_ids: Iterable[int]) -> None:
    """``request_sync`` once the current transaction commits (a rule or listing change)."""
    ids = set(sku_ids)
    transaction.on_commit(lambda: on_stock_changed(ids))


def request_full_sync_on_commit() -> None:
    """A full recompute and push once the current transaction commits (a default rule)."""
    def queue() -> None:
        try:
            sync_all_task.delay()
        except Exception:
            logger.exception("full channel stock sync not queued")
    transaction.on_commit(queue)


@shared_task(name="zhanggui.channels.tasks.sync_marked")
def sync_marked() -> dict:
    cache.delete(QUEUED_KEY)
    started = timezone.now()
    sku_ids = actions_sync.take_marks(started)
    if not sku_ids:
        return {"skus": 0, "changed": 0, "runs": 0}
    result = actions_sync.recompute(sku_ids)
    runs = actions_sync.publish_all(trigger=PublishTrigger.STOCK_CHANGE, sku_ids=sku_ids)
    actions_sync.clear_marks(sku_ids, started)
    return {"skus": len(sku_ids), "changed": len(result.changed), "runs": len(runs)}


@shared_task(name="zhanggui.channels.tasks.sync_all_task")
def sync_all_task() -> dict:
    """Every 15 minutes (beat): every quantity recomputed, every difference pushed."""
    started = timezone.now()
    marked = actions_sync.take_marks(started)
    result = actions_sync.recompute()
    runs = actions_sync.publish_all(trigger=PublishTrigger.FULL)
    actions_sync.clear_marks(marked, started)
    return {"changed": len(result.changed), "runs": len(runs)}
