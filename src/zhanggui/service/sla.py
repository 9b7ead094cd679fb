"""The SLA sweep: every active ticket past a clock gets one task of that clock's kind (never
a second one for the same ticket and clock, even after the first was resolved), and its
``escalated_at`` is set. Run every minute by celery beat (``service.tasks``)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation
from zhanggui.service.locking import lock_ticket
from zhanggui.service.models import Ticket, TicketStatus
from zhanggui.service.tasks_kinds import FIRST_REPLY_LATE, RESOLUTION_LATE
from zhanggui.tasks.actions import open_task
from zhanggui.tasks.models import Task, TaskPriority

ACTIVE = (TicketStatus.OPEN, TicketStatus.PENDING)


@dataclass(frozen=True)
class SweepResult:
    first_reply: int
    resolution: int


def _breached(now: datetime, kind: str):
    tickets = Ticket.objects.filter(status__in=ACTIVE)
    if kind == FIRST_REPLY_LATE:
        tickets = tickets.filter(first_responded_at__isnull=True, first_response_due_at__lt=now)
    else:
        tickets = tickets.filter(resolved_at__isnull=True, resolution_due_at__lt=now)
    ticket_type = ContentType.objects.get_for_model(Ticket)
    has_task = Task.objects.filter(kind=kind, subject_type=ticket_type,
                                   subject_id=Cast(OuterRef("pk"), CharField()))
    return tickets.exclude(Exists(has_task)).order_by("pk")


def _title(ticket: Ticket, kind: str) -> str:
    if kind == FIRST_REPLY_LATE:
        return _("Ticket %(number)s not answered in time") % {"number": ticket.number}
    return _("Ticket %(number)s not resolved in time") % {"number": ticket.number}


@transaction.atomic
def _escalate(ticket: Ticket, *, kind: str, now: datetime) -> bool:
    ticket = lock_ticket(ticket)
    ticket_type = ContentType.objects.get_for_model(Ticket)
    if Task.objects.filter(kind=kind, subject_type=ticket_type,
                           subject_id=str(ticket.pk)).exists():
        return False  # another sweep got here first
    priority = (TaskPriority.HIGH if ticket.kind == "complaint"
                and ticket.severity in ("high", "critical") else TaskPriority.NORMAL)
    open_task(kind, subject=ticket, title=_title(ticket, kind), priority=priority,
              detail=f"{ticket.number} {ticket.subject}")
    if ticket.escalated_at is None:
        ticket.escalated_at = now
        ticket.save(update_fields=["escalated_at", "updated_at"])
    log_operation(ticket, action="service.escalate", actor=None, after={"kind": kind})
    return True


def sweep_ticket_clocks(now: datetime | None = None) -> SweepResult:
    """Open one task per breached clock of every active ticket; returns how many opened."""
    now = now or timezone.now()
    counts = {}
    for kind in (FIRST_REPLY_LATE, RESOLUTION_LATE):
        counts[kind] = sum(_escalate(ticket, kind=kind, now=now)
                           for ticket in _breached(now, kind))
    return SweepResult(first_reply=counts[FIRST_REPLY_LATE], resolution=counts[RESOLUTION_LATE])
