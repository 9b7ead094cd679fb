"""After-sales reads."""

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from zhanggui.aftersales.models import AftersalesRequest, Refund, RequestKind, RequestStatus
from zhanggui.core.errors import NotFound


def get_request(request_id: int) -> AftersalesRequest:
    try:
        return AftersalesRequest.objects.select_related("order").get(pk=request_id)
    except AftersalesRequest.DoesNotExist:
        raise NotFound() from None


def list_requests(*, status: str | None = None, order_id: int | None = None,
                  reason_code: str | None = None) -> QuerySet[AftersalesRequest]:
    qs = AftersalesRequest.objects.select_related("order")
    if status:
        qs = qs.filter(status=status)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if reason_code:
        qs = qs.filter(reason_code=reason_code)
    return qs


def list_refunds(*, order_id: int | None = None) -> QuerySet[Refund]:
    qs = Refund.objects.select_related("order", "request")
    if order_id:
        qs = qs.filter(order_id=order_id)
    return qs


def get_request_detail(request_id: int) -> AftersalesRequest:
    """A request with its order and lines (and their order lines) loaded."""
    try:
        return (AftersalesRequest.objects.select_related("order")
                .prefetch_related("lines__order_line").get(pk=request_id))
    except AftersalesRequest.DoesNotExist:
        raise NotFound() from None


# ---- the workbench's to-dos -------------------------------------------------------------

# A request waits for a decision (approve or reject) at most this many hours: the
# platforms' rule of thumb (Taobao, JD: a seller answers a refund request within 48 hours).
# It is due soon in the last DUE_SOON hours before that. Both are settings
# (ZHANGGUI["AFTERSALES_DECISION_HOURS"], ZHANGGUI["AFTERSALES_DUE_SOON_HOURS"]).
DECISION_HOURS = 48
DUE_SOON_HOURS = 12

TODOS = ("waiting", "due_soon", "overdue", "to_receive", "to_refund")


def decision_hours() -> tuple[int, int]:
    """(hours a request may wait for a decision, hours before that when it is due soon)."""
    from django.conf import settings

    shop = getattr(settings, "ZHANGGUI", {})
    return (int(shop.get("AFTERSALES_DECISION_HOURS", DECISION_HOURS)),
            int(shop.get("AFTERSALES_DUE_SOON_HOURS", DUE_SOON_HOURS)))


def todo_condition(todo: str, now: datetime) -> Q:
    """The requests of one to-do at ``now``: ``waiting`` for a decision, of those ``due_soon``
    (the decision deadline falls in the next hours) and ``overdue`` (past it), goods
    ``to_receive`` (approved returns and exchanges) and ``to_refund`` (approved refund-only
    requests, received returns). The console's list filter and the counts use the same."""
    sla, soon = decision_hours()
    deadline_passed_if_before = now - timedelta(hours=sla)
    waiting = Q(status=RequestStatus.REQUESTED)
    conditions = {
        "waiting": waiting,
        "due_soon": waiting & Q(requested_at__gte=deadline_passed_if_before,
                                requested_at__lt=deadline_passed_if_before + timedelta(hours=soon)),
        "overdue": waiting & Q(requested_at__lt=deadline_passed_if_before),
        "to_receive": Q(status=RequestStatus.APPROVED,
                        kind__in=(RequestKind.RETURN, RequestKind.EXCHANGE)),
        "to_refund": (Q(status=RequestStatus.APPROVED, kind=RequestKind.REFUND_ONLY)
                      | Q(status=RequestStatus.RECEIVED, kind=RequestKind.RETURN)),
    }
    return conditions[todo]


def todo_counts(now: datetime) -> dict[str, int]:
    """How many requests each to-do of ``TODOS`` holds at ``now``: one query over the
    requests that are still open (the status index)."""
    open_statuses = (RequestStatus.REQUESTED, RequestStatus.APPROVED, RequestStatus.RECEIVED)
    return AftersalesRequest.objects.filter(status__in=open_statuses).aggregate(
        **{todo: Count("id", filter=todo_condition(todo, now)) for todo in TODOS})
