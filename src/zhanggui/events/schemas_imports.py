"""Data schema of the import event: an import writes its rows in bulk, without an event per
order or customer, and says once what it wrote."""

from datetime import datetime

from pydantic import Field

from zhanggui.events.schemas_base import EventData


class ImportAppliedData(EventData):
    """What an applied import wrote (``counts``: rows created, updated and skipped per entity,
    e.g. ``orders_created``). Its rows changed at or after ``started_at``: a receiver syncs the
    lists of ``kind`` from there (``updated_after``, docs/api-sync.md)."""

    import_run_id: int
    kind: str = Field(description="orders, customers or products")
    format_name: str
    channel: str
    file_sha256: str
    rows_read: int
    counts: dict[str, int]
    started_at: datetime
