"""Writing events to the outbox, always inside the transaction of their change."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from zhanggui.events.catalogue import event_type
from zhanggui.events.models import Event
from zhanggui.events.signals import events_committed


@dataclass(frozen=True)
class NewEvent:
    type: str
    subject_id: object
    data: dict
    occurred_at: datetime | None = None


def record(type_name: str, *, subject_id, data: dict, occurred_at: datetime | None = None) -> Event:
    """Write one event of the catalogue's type ``type_name``; see ``record_many``."""
    return record_many([NewEvent(type_name, subject_id, data, occurred_at)])[0]


def record_many(events: Iterable[NewEvent]) -> list[Event]:
    """Write events (one INSERT), their data checked against the catalogue's schema.

    Raises:
        RuntimeError: outside a transaction — an event must commit or roll back with its change.
        KeyError: a type not in the catalogue. pydantic.ValidationError: data off its schema.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("domain events are written in the transaction of their change")
    now = timezone.now()
    rows = []
    for new in events:
        kind = event_type(new.type)
        data = kind.data.model_validate(new.data).model_dump(mode="json")
        rows.append(Event(type=kind.name, version=kind.version, subject_type=kind.subject_type,
                          subject_id=str(new.subject_id), occurred_at=new.occurred_at or now,
                          data=data))
    written = Event.objects.bulk_create(rows)
    if written:
        transaction.on_commit(_announce)
    return written


def _announce() -> None:
    events_committed.send(sender=Event)
