"""Catalog reads used by other apps, the API and the console."""

from functools import partial
from typing import Any

from django.db.models import Q, QuerySet

from zhanggui.catalog.models import AttributeDefinition, Category, Product, Sku
from zhanggui.core.errors import NotFound
from zhanggui.core.search import MIN_LENGTH, Found, Hit, SearchQuery, code_condition, may_view


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


def search_skus(query: SearchQuery, *, user, limit: int) -> Found:
    """SKUs for the console's search box, by SKU code (prefix), in code order. Nothing for
    staff who may not view SKUs. One query, on the code's index."""
    condition = code_condition("code", query, prefix_from=MIN_LENGTH)
    if not condition or not may_view(user, "catalog.sku"):
        return Found()
    rows = list(Sku.objects.filter(condition).select_related("product").order_by("code")
                .only("code", "option_values", "product__title")[:limit + 1])
    field = str(Sku._meta.get_field("code").verbose_name)
    return Found.from_rows(rows, limit, lambda sku: Hit(
        "catalog.sku", sku.pk, str(sku), sku.product.title, field, sku.code, query.code))


def search_products(query: SearchQuery, *, user, limit: int) -> Found:
    """Products for the console's search box, by title (contains, case-insensitive) or
    product code (prefix), in title order. Products number in the thousands, so the title is
    scanned. Nothing for staff who may not view products. One query."""
    if not may_view(user, "catalog.product"):
        return Found()
    condition = Q(title__icontains=query.text) | code_condition("code", query,
                                                               prefix_from=MIN_LENGTH)
    rows = list(Product.objects.filter(condition).order_by("title", "id")
                .only("code", "title", "status")[:limit + 1])
    return Found.from_rows(rows, limit, lambda product: _product_hit(product, query))


def _product_hit(product: Product, query: SearchQuery) -> Hit:
    make = partial(Hit, "catalog.product", product.pk, product.title,
                   f"{product.code} · {product.get_status_display()}")
    if query.text.casefold() in product.title.casefold():
        return make(str(Product._meta.get_field("title").verbose_name), product.title,
                    query.text)
    return make(str(Product._meta.get_field("code").verbose_name), product.code, query.code)
