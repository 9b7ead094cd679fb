"""Reading the outbox in the events' tests: an area's events, each checked against its
catalogue schema."""

from zhanggui.events.catalogue import CATALOGUE
from zhanggui.events.models import Event


def events_of(*types: str) -> list[Event]:
    """The outbox's events of these types, oldest first, each valid against its schema and
    of the catalogue's version and subject type."""
    rows = list(Event.objects.filter(type__in=types).order_by("id"))
    for event in rows:
        kind = CATALOGUE[event.type]
        kind.data.model_validate(event.data)
        assert (event.version, event.subject_type) == (kind.version, kind.subject_type)
    return rows


def only_event(type_name: str) -> Event:
    rows = events_of(type_name)
    assert len(rows) == 1, [(e.type, e.subject_id) for e in rows]
    return rows[0]


PERSONAL = {"name", "nickname", "phone", "email", "address", "recipient_name", "recipient_phone",
            "contact", "subject", "body", "description", "reason_text", "comment", "note"}
