"""Analytics API: the console's reports as JSON, the metric registry, warehouse refresh."""

from django.http import HttpRequest
from ninja import Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.analytics import actions, queries
from zhanggui.core.schemas import ERRORS, Day, Id

router = Router()


class RunOut(Schema):
    kind: str
    version: int
    seconds: float
    rows: dict[str, int]


@router.get("/metrics", response={200: list[dict], **ERRORS},
            summary="The metric registry: code, name, formula, unit")
def metrics(request: HttpRequest) -> list[dict]:
    require_perm(request, "analytics.view_reports")
    return queries.list_metrics()


@router.post("/refresh", response={200: RunOut, **ERRORS},
             summary="Refresh the warehouse (or rebuild with full=true)")
def refresh(request: HttpRequest, full: bool = False):
    require_perm(request, "analytics.refresh_warehouse")
    run = actions.refresh_warehouse(actor=request.user, full=full)
    return RunOut(kind=run.kind, version=run.version, seconds=float(run.seconds), rows=run.rows)


@router.get("/reports/{name}", response={200: dict, **ERRORS},
            summary="A report: KPIs, charts, tables and how each is computed")
def report(request: HttpRequest, name: str, start: Day | None = None, end: Day | None = None,
           compare_start: Day | None = None, compare_end: Day | None = None,
           channel: str = "", category_id: Id | None = None, warehouse_id: Id | None = None,
           carrier: str = "") -> dict:
    require_perm(request, "analytics.view_reports")
    parsed = queries.parse_request(name, start=start, end=end, compare_start=compare_start,
                                   compare_end=compare_end, channel=channel,
                                   category_id=category_id, warehouse_id=warehouse_id,
                                   carrier=carrier, access=queries.viewer_access(request.user))
    return queries.run_report(parsed)
