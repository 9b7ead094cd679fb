"""Background tasks of the campaign outbox (eager in-process unless REDIS_URL is set).

``dispatch_due_messages`` runs every minute (celery beat): it reclaims messages of workers
that died and queues a ``deliver_message`` task for each due message. ``deliver_message``
retries a failed send with exponential backoff, five times at most.
"""

from celery import shared_task

from zhanggui.marketing import outbox


@shared_task(bind=True, name="zhanggui.marketing.tasks.deliver_message", max_retries=5,
             acks_late=True)
def deliver_message(self, message_id: int) -> str:
    delivery = outbox.deliver(message_id)
    if delivery.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome


@shared_task(name="zhanggui.marketing.tasks.dispatch_due_messages")
def dispatch_due_messages(limit: int = 500) -> dict:
    """Reclaim stale claims, then queue delivery of up to ``limit`` due messages."""
    reclaimed = outbox.reclaim_stale()
    ids = outbox.due_messages(limit)
    for message_id in ids:
        deliver_message.delay(message_id)
    return {"reclaimed": reclaimed, "dispatched": len(ids)}
