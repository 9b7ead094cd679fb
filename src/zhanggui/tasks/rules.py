"""Pure rules of tasks: due times, the escalation period, resolutions."""

from datetime import datetime, timedelta
from decimal import Decimal

# Escalations never come closer together than this, whatever the SLA.
MIN_ESCALATION_PERIOD = timedelta(hours=1)


def due_at(opened_at: datetime, sla_hours: float | Decimal) -> datetime:
    """When a task opened at ``opened_at`` with this SLA is due."""
    return opened_at + timedelta(hours=float(sla_hours))


def escalation_period(opened_at: datetime, due: datetime) -> timedelta:
    """How long after one escalation the next one comes: the task's own SLA period (due
    minus opened), at least ``MIN_ESCALATION_PERIOD``."""
    return max(due - opened_at, MIN_ESCALATION_PERIOD)


def is_overdue(status_open: bool, due: datetime, now: datetime) -> bool:
    return status_open and due < now


def allowed_resolution(code: str, allowed: tuple[tuple[str, str], ...]) -> bool:
    return any(code == allowed_code for allowed_code, _label in allowed)
