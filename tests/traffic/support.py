"""Helpers of the traffic tests: a valid raw event, overridable field by field."""

import uuid
from datetime import UTC, datetime, timedelta


def raw_event(**fields) -> dict:
    """A valid page-view event as a storefront would send it; ``None`` removes a field."""
    event = {"event_id": str(uuid.uuid4()), "kind": "page_view", "visitor_id": "v-1",
             "session_id": "s-1", "device": "mobile", "source": "search",
             "url": "https://shop.example/", "occurred_at":
                 (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    event.update(fields)
    return {k: v for k, v in event.items() if v is not None}


# (field, value): one bad value per validation rule of ``traffic.rules``.
BAD_VALUES = [
    ("event_id", "not-a-uuid"), ("kind", "click"), ("device", "watch"), ("source", "tv"),
    ("visitor_id", "v" * 65), ("session_id", 12), ("channel", "c" * 31), ("url", 5),
    ("occurred_at", "yesterday"), ("occurred_at", "2026-06-18T12:00:00"),
    ("occurred_at", "1999-12-31T00:00:00Z"), ("product_id", "7"), ("product_id", 0),
    ("customer_code", "x" * 65), ("utm", "spring"),
]
