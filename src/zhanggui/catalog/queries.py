"""Catalog reads used by other apps, the API and the console."""

from typing import Any

from django.db.models import QuerySet

from zhanggui.catalog.models import AttributeDefinition, Category, Product, Sku
from zhanggui.core.errors import NotFound


def get_product(product_id: int) -> Product:
    try:
        return Product.objects.select_related("category").get(pk=product_id)
    except Product.DoesNotExist:
        raise NotFound() from None


def get_sku(sku_id: int) -> Sku:
    try:
        return Sku.objects.select_related("product").get(pk=sku_id)
    except Sku.DoesNotExist:
        raise NotFound() from None


def get_category(category_id: int) -> Category:
    try:
        return Category.objects.get(pk=category_id)
    except Category.DoesNotExist:
        raise NotFound() from None


def list_products(*, status: str | None = None, category_id: int | None = None,
                  search: str | None = None) -> QuerySet[Product]:
    qs = Product.objects.select_related("category").prefetch_related("tags")
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if search:
        qs = qs.filter(title__icontains=search) | qs.filter(code__icontains=search)
    return qs.order_by("-id")


def attribute_definitions_for(category: Category) -> list[dict[str, Any]]:
    """Definitions that apply to ``category``: its own and its ancestors'."""
    chain = [*category.ancestors(), category]
    rows = AttributeDefinition.objects.filter(category__in=chain).order_by("sort_order", "id")
    return list(rows.values("code", "name", "value_type", "choices", "is_required"))


def list_categories(*, parent_id: int | None = None, roots_only: bool = False,
                    ) -> QuerySet[Category]:
    """Categories in tree order (level, then sort order); filter by parent or roots only."""
    qs = Category.objects.select_related("parent")
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    elif roots_only:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("level", "sort_order", "id")


def get_product_detail(product_id: int) -> Product:
    """A product with its category, SKUs and tags loaded."""
    try:
        return (Product.objects.select_related("category")
                .prefetch_related("skus", "tags").get(pk=product_id))
    except Product.DoesNotExist:
        raise NotFound() from None


COST_PERMISSION = "catalog.view_cost"


def can_see_cost(viewer) -> bool:
    """Cost prices are shown (and may be set) only to holders of ``catalog.view_cost``."""
    return bool(viewer and viewer.has_perm(COST_PERMISSION))
