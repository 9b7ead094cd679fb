"""Bulk audits in the background: a Celery task (eager, in-process, unless ``REDIS_URL``
gives a broker)."""

from celery import shared_task
from django.db import transaction

from zhanggui.listing import actions
from zhanggui.listing.models import AuditRun


@shared_task(name="zhanggui.listing.tasks.audit_catalog_task")
def audit_catalog_task(run_id: int) -> int:
    """Run the queued audit ``run_id``; returns the number of products audited."""
    run = AuditRun.objects.select_related("actor").get(pk=run_id)
    return actions.audit_catalog(actor=run.actor, run=run).product_count


def launch(run: AuditRun) -> None:
    """Start ``run`` once the transaction that queued it has committed."""
    transaction.on_commit(lambda: audit_catalog_task.delay(run.pk))
