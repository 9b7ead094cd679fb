"""Traffic reads used by the API, the console and API authentication."""

from datetime import datetime

from django.db.models import QuerySet

from zhanggui.accounts.models import Staff
from zhanggui.traffic.models import Event

INGEST_PERMISSION = "traffic.add_event"


def list_events(*, kind: str | None = None, source: str | None = None, device: str | None = None,
                channel: str | None = None, visitor_id: str | None = None,
                session_id: str | None = None, product_id: int | None = None,
                customer_id: int | None = None, order_id: int | None = None,
                occurred_from: datetime | None = None, occurred_to: datetime | None = None,
                after_id: int | None = None) -> QuerySet[Event]:
    """Events matching every given filter, newest first (``occurred_to`` is exclusive;
    ``after_id`` returns only events stored after that id, for incremental readers)."""
    filters = {"kind": kind, "source": source, "device": device, "channel": channel,
               "visitor_id": visitor_id, "session_id": session_id, "product_id": product_id,
               "customer_id": customer_id, "order_id": order_id,
               "occurred_at__gte": occurred_from, "occurred_at__lt": occurred_to,
               "id__gt": after_id}
    return Event.objects.filter(**{k: v for k, v in filters.items() if v not in (None, "")})


def is_ingest_only(staff: Staff) -> bool:
    """True for a storefront ingestion account: no role, and exactly the permission to
    add events. Only such accounts' tokens are accepted in a URL (``?key=``)."""
    if staff.is_superuser or staff.groups.exists():
        return False
    return staff.get_all_permissions() == {INGEST_PERMISSION}
