"""The catalog's domain events (``events.catalogue``: product.listed, product.delisted),
written in the transaction of the listing change."""

from zhanggui.catalog.models import ListingStatus, Product
from zhanggui.events import actions as events

LISTING_EVENTS = {ListingStatus.LISTED: "product.listed",
                  ListingStatus.DELISTED: "product.delisted"}


def listing_changed(product: Product, previous_status: str) -> None:
    """The event of the product's new listing status, when it changed and has one."""
    type_name = LISTING_EVENTS.get(product.status)
    if type_name is None or product.status == previous_status:
        return
    events.record(type_name, subject_id=product.pk, occurred_at=product.status_changed_at, data={
        "product_id": product.pk, "code": product.code, "status": product.status,
        "previous_status": previous_status, "reason": product.status_reason,
        "sku_ids": sorted(product.skus.filter(is_active=True).values_list("pk", flat=True)),
        "changed_at": product.status_changed_at})
