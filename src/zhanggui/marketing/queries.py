"""Marketing reads: ad spend for the API, the console and analytics (drop-ship ROI)."""

from datetime import date

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.marketing.models import AdSpend


def get_ad_spend(spend_id: int) -> AdSpend:
    try:
        return AdSpend.objects.select_related("product").get(pk=spend_id)
    except AdSpend.DoesNotExist:
        raise NotFound() from None


def list_ad_spend(*, day_from: date | None = None, day_to: date | None = None,
                  channel: str | None = None, product_id: int | None = None) -> QuerySet[AdSpend]:
    """Entries from ``day_from`` up to and including ``day_to``, newest day first."""
    qs = AdSpend.objects.select_related("product")
    if day_from:
        qs = qs.filter(day__gte=day_from)
    if day_to:
        qs = qs.filter(day__lte=day_to)
    if channel:
        qs = qs.filter(channel=channel)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs.order_by("-day", "channel", "id")
