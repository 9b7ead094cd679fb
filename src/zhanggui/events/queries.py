"""Reading the outbox."""

from django.db.models import QuerySet

from zhanggui.events.models import Event


def events_after(last_id: int = 0, *, types: list[str] | None = None) -> QuerySet[Event]:
    """Events written after the one with id ``last_id``, oldest first."""
    events = Event.objects.filter(id__gt=last_id).order_by("id")
    return events.filter(type__in=types) if types else events
