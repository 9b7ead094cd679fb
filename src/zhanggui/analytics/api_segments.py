"""The segment preview: a draft definition evaluated in the warehouse now, nothing saved.

Mounted with the customers' segment router at ``/api/v1/customers/segments`` (the preview
needs the warehouse, which the customers app may not call).
"""

from ninja import Field, Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.analytics import segment_refresh
from zhanggui.core.schemas import ERRORS
from zhanggui.customers import queries
from zhanggui.customers.api import CustomerOut
from zhanggui.customers.api_segments import Definition
from zhanggui.customers.models import Customer

router = Router()


class PreviewOut(Schema):
    count: int
    customers: list[CustomerOut] = Field(description="the first 20 by id, masked for you")


@router.post("/preview", response={200: PreviewOut, **ERRORS})
def preview_segment(request, payload: Definition):
    """How many customers a draft definition selects now, and the first 20 (by id)."""
    require_perm(request, "customers.view_segment", "customers.view_customer")
    result = segment_refresh.preview(payload.model_dump())
    found = {c.pk: c for c in Customer.objects.filter(pk__in=result.customer_ids).prefetch_related("tags")}
    return {"count": result.count, "customers": [queries.present_customer(found[pk], request.user)
                                                 for pk in result.customer_ids if pk in found]}
