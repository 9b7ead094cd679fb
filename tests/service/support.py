"""Builders of the service desk's tests."""

from datetime import datetime, time

from django.utils import timezone

from zhanggui.service import actions
from zhanggui.service.actions import TicketInput
from zhanggui.service.models import ServicePolicy


def always_open_policy(**fields) -> ServicePolicy:
    """A desk working every day 00:00–23:59 (clocks are wall-clock minutes but for the last
    minute of each day)."""
    policy = ServicePolicy.objects.order_by("pk").first() or ServicePolicy(pk=1)
    policy.working_days = "1234567"
    policy.working_start, policy.working_end = time(0, 0), time(23, 59)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.get_current_timezone())


def open_chat(*, body: str = "你好，在吗", actor=None, opened_at=None, **fields):
    data = {"channel": "chat", "subject": "咨询", "body": body, **fields}
    return actions.open_ticket(TicketInput(**data), actor=actor, opened_at=opened_at)
