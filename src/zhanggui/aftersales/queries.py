"""After-sales reads."""

from django.db.models import QuerySet

from zhanggui.aftersales.models import AftersalesRequest, Refund
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
