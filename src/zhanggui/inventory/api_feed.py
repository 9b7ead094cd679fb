"""Inventory API: a supplier's stock feed for its drop-ship warehouse (JSON rows). A
supplier's account may sync only its own supplier's warehouse. A feed with a bad row is
refused whole (422 ``feed_rejected`` with every bad row); nothing is applied then."""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.inventory import feed, queries
from zhanggui.inventory.errors import FeedRejected
from zhanggui.inventory.models import FeedSource
from zhanggui.inventory.rules_feed import FeedRow

router = Router()


class StockFeedRowIn(Schema):
    sku_code: str = Field(max_length=60)
    quantity: int | float | str = Field(description="units the supplier can ship: a whole "
                                                    "number from 0 up")


class StockFeedIn(Schema):
    rows: list[StockFeedRowIn] = Field(min_length=1, max_length=20_000)


class StockFeedRunOut(Schema):
    id: int
    warehouse_id: int
    source: FeedSource
    synced_at: datetime
    rows: int
    changed: int


class StockFeedErrorOut(Schema):
    line: int
    sku_code: str
    message: str


class StockFeedRejectedOut(Schema):
    """422: ``feed_rejected`` with every bad row in ``bad_rows``, or ``invalid_input`` (a body
    that is not a feed at all) with the validator's ``errors``, as every endpoint answers."""
    code: str
    message: str
    bad_rows: list[StockFeedErrorOut] = Field(default_factory=list)


@router.post("/warehouses/{warehouse_id}/feed",
             response={201: StockFeedRunOut, **ERRORS, 422: StockFeedRejectedOut})
def sync_feed(request, warehouse_id: Id, payload: StockFeedIn):
    """Set the available units of the listed SKUs in a drop-ship warehouse (rows numbered
    from 1 in ``bad_rows``)."""
    require_perm(request, "inventory.sync_stock_feed")
    warehouse = queries.get_warehouse(warehouse_id)
    rows = [FeedRow(n, row.sku_code, row.quantity) for n, row in enumerate(payload.rows, 1)]
    try:
        run = feed.sync_stock_feed(warehouse, rows=rows, source=FeedSource.API,
                                   actor=request.user)
    except FeedRejected as rejected:
        return Status(422, {"code": rejected.code, "message": str(rejected),
                            "bad_rows": rejected.errors})
    return Status(201, run)
