"""Background tasks of the service desk (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.service.sla import sweep_ticket_clocks


@shared_task(name="zhanggui.service.tasks.sweep_ticket_clocks_task")
def sweep_ticket_clocks_task() -> dict:
    """Tickets past their first-reply or resolution clock become tasks; every minute."""
    result = sweep_ticket_clocks()
    return {"first_reply": result.first_reply, "resolution": result.resolution}


@shared_task(name="zhanggui.service.tasks.poll_mailbox_task")
def poll_mailbox_task() -> dict:
    """Fetch unread mail from the configured IMAP mailbox into tickets; nothing when no
    mailbox is configured."""
    from zhanggui.service.mailbox import is_configured, poll_mailbox

    if not is_configured():
        return {"configured": False}
    result = poll_mailbox()
    return {"configured": True, "fetched": result.fetched, "tickets": len(result.tickets),
            "failed": result.failed}
