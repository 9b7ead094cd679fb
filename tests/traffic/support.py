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
