"""Pure validation and normalisation of incoming behaviour events (no database).

``normalise_event`` turns one raw JSON object of a batch into a ``CleanEvent`` or a list of
``Problem`` objects. References to products, customers and orders are only checked for
shape here; the action resolves them against the database.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from zhanggui.traffic.models import Device, EventKind, TrafficSource

MAX_BATCH_SIZE = 500
# Senders' clocks drift; an event may claim to be at most this far in the future.
FUTURE_SKEW = timedelta(minutes=5)
EARLIEST = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
ID_MAX_LENGTH = 64
URL_MAX_LENGTH = 500
TERM_MAX_LENGTH = 100
CHANNEL_MAX_LENGTH = 30
DEFAULT_CHANNEL = "own"
DEFAULT_SOURCE = TrafficSource.DIRECT

PRODUCT_KINDS = frozenset({EventKind.PRODUCT_VIEW, EventKind.FAVORITE, EventKind.ADD_TO_CART})
ORDER_KINDS = frozenset({EventKind.ORDER, EventKind.PAYMENT})
# Each reference may be given by database id or by its business key.
REFERENCES = {
    "product": ("product_id", "product_code"),
    "customer": ("customer_id", "customer_code"),
    "order": ("order_id", "order_number"),
}
REQUIRED = ("event_id", "kind", "visitor_id", "session_id", "device", "occurred_at")
OPTIONAL = ("source", "channel", "url", "search_term", "result_count")
KNOWN_FIELDS = frozenset(REQUIRED + OPTIONAL + tuple(k for pair in REFERENCES.values()
                                                       for k in pair))


@dataclass(frozen=True)
class Problem:
    """Why one event of a batch was refused: its position, the field and a reason."""

    index: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "reason": str(self.reason)}


@dataclass
class CleanEvent:
    """A valid event; ``refs`` maps product/customer/order to ``("id", 12)`` or
    ``("code", "SPU001")`` until the action resolves them to database ids."""

    index: int
    event_id: uuid.UUID
    kind: str
    visitor_id: str
    session_id: str
    device: str
    occurred_at: datetime
    source: str = DEFAULT_SOURCE
    channel: str = DEFAULT_CHANNEL
    url: str = ""
    search_term: str = ""
    result_count: int | None = None
    refs: dict[str, tuple[str, Any]] = field(default_factory=dict)


class _Collector:
    def __init__(self, index: int):
        self.index = index
        self.problems: list[Problem] = []

    def add(self, name: str, reason) -> None:
        self.problems.append(Problem(self.index, name, reason))


def _text(raw: Mapping, name: str, problems: _Collector, *, max_length: int,
          required: bool) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            problems.add(name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        problems.add(name, _("Must be a string."))
        return ""
    value = value.strip()
    if required and not value:
        problems.add(name, _("This field is required."))
    elif len(value) > max_length:
        problems.add(name, _("At most %(limit)d characters.") % {"limit": max_length})
    return value


def _choice(raw: Mapping, name: str, choices, problems: _Collector, default=None) -> str:
    value = raw.get(name)
    if value in (None, "") and default is not None:
        return default
    if value not in choices.values:
        problems.add(name, _("Must be one of: %(values)s.") % {"values": ", ".join(choices.values)})
        return ""
    return value


def _event_id(raw: Mapping, problems: _Collector) -> uuid.UUID | None:
    value = raw.get("event_id")
    if value in (None, ""):
        problems.add("event_id", _("This field is required."))
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        problems.add("event_id", _("Must be a UUID."))
        return None


def _occurred_at(raw: Mapping, now: datetime, problems: _Collector) -> datetime | None:
    value = raw.get("occurred_at")
    if value in (None, ""):
        problems.add("occurred_at", _("This field is required."))
        return None
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        problems.add("occurred_at", _("Must be an ISO 8601 date and time."))
        return None
    if moment.tzinfo is None:
        problems.add("occurred_at", _("Must include a time zone (e.g. Z or +08:00)."))
        return None
    if moment > now + FUTURE_SKEW:
        problems.add("occurred_at", _("Lies in the future."))
    elif moment < EARLIEST:
        problems.add("occurred_at", _("Lies too far in the past."))
    return moment


def _reference(raw: Mapping, name: str, problems: _Collector) -> tuple[str, Any] | None:
    id_key, code_key = REFERENCES[name]
    given = [key for key in (id_key, code_key) if raw.get(key) not in (None, "")]
    if len(given) == 2:
        problems.add(name, _("Give either %(a)s or %(b)s, not both.") % {"a": id_key, "b": code_key})
        return None
    if not given:
        return None
    value = raw[given[0]]
    if given[0] == id_key:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.add(id_key, _("Must be a positive whole number."))
            return None
        return ("id", value)
    if not isinstance(value, str) or len(value) > ID_MAX_LENGTH:
        problems.add(code_key, _("Must be a string of at most %(limit)d characters.")
                     % {"limit": ID_MAX_LENGTH})
        return None
    return ("code", value.strip())


def _search_fields(raw: Mapping, kind: str, problems: _Collector) -> tuple[str, int | None]:
    if kind != EventKind.SEARCH:
        for name in ("search_term", "result_count"):
            if raw.get(name) not in (None, ""):
                problems.add(name, _("Only search events have this field."))
        return "", None
    term = _text(raw, "search_term", problems, max_length=TERM_MAX_LENGTH, required=True)
    count = raw.get("result_count")
    if count is None:
        problems.add("result_count", _("This field is required."))
        return term, None
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        problems.add("result_count", _("Must be a whole number, zero or more."))
        return term, None
    return term, count


def _kind_references(kind: str, refs: dict, problems: _Collector) -> None:
    if kind in PRODUCT_KINDS and "product" not in refs:
        problems.add("product", _("A %(kind)s event needs product_id or product_code.")
                     % {"kind": kind})
    if kind in ORDER_KINDS and "order" not in refs:
        problems.add("order", _("A %(kind)s event needs order_id or order_number.")
                     % {"kind": kind})


def normalise_event(raw: Any, *, index: int, now: datetime) -> CleanEvent | list[Problem]:
    """Validate one raw event (a JSON object) of a batch at position ``index``.

    Strings are stripped, an over-long URL is cut to 500 characters, ``source`` defaults to
    ``direct`` and ``channel`` to ``own``. Returns the clean event, or every problem found.
    """
    problems = _Collector(index)
    if not isinstance(raw, Mapping):
        problems.add("", _("Each event must be a JSON object."))
        return problems.problems
    for name in sorted(set(raw) - KNOWN_FIELDS):
        problems.add(name, _("Unknown field."))
    event_id = _event_id(raw, problems)
    kind = _choice(raw, "kind", EventKind, problems)
    visitor_id = _text(raw, "visitor_id", problems, max_length=ID_MAX_LENGTH, required=True)
    session_id = _text(raw, "session_id", problems, max_length=ID_MAX_LENGTH, required=True)
    device = _choice(raw, "device", Device, problems)
    source = _choice(raw, "source", TrafficSource, problems, default=DEFAULT_SOURCE)
    channel = _text(raw, "channel", problems, max_length=CHANNEL_MAX_LENGTH,
                    required=False) or DEFAULT_CHANNEL
    url = raw.get("url") or ""
    if not isinstance(url, str):
        problems.add("url", _("Must be a string."))
        url = ""
    occurred_at = _occurred_at(raw, now, problems)
    refs = {}
    for name in REFERENCES:
        ref = _reference(raw, name, problems)
        if ref is not None:
            refs[name] = ref
    term, count = _search_fields(raw, kind, problems)
    if kind:
        _kind_references(kind, refs, problems)
    if problems.problems:
        return problems.problems
    return CleanEvent(index=index, event_id=event_id, kind=kind, visitor_id=visitor_id,
                      session_id=session_id, device=device, occurred_at=occurred_at,
                      source=source, channel=channel, url=url.strip()[:URL_MAX_LENGTH],
                      search_term=term, result_count=count, refs=refs)


def split_duplicates(events: list[CleanEvent], stored: set[uuid.UUID],
                     ) -> tuple[list[CleanEvent], int]:
    """The events to insert (first occurrence of each id not yet ``stored``) and how many
    were duplicates (already stored, or repeated within the batch)."""
    seen = set(stored)
    fresh = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            fresh.append(event)
    return fresh, len(events) - len(fresh)
