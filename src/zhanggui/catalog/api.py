"""Catalog API: categories, products, SKUs and listing status.

Thin: parse, ``require_perm`` first, call one action or query, render. Cost prices are
returned only to holders of ``catalog.view_cost`` (``null`` for everyone else), and only
they may send ``cost_amount``.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog import actions, queries
from zhanggui.catalog.errors import ListThroughChecks
from zhanggui.catalog.models import AttributeType, ListingReason, ListingStatus
from zhanggui.core.schemas import ERRORS, INT_MAX, BoundedPagination, Id

router = Router()

COST = queries.COST_PERMISSION


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    level: int
    sort_order: int


class AttributeDefinitionOut(Schema):
    code: str
    name: str
    value_type: AttributeType
    choices: list
    is_required: bool


class CategoryDetailOut(CategoryOut):
    full_name: str
    attribute_definitions: list[AttributeDefinitionOut] = Field(
        description="Definitions that apply: the category's own and its ancestors'.")

    @staticmethod
    def resolve_attribute_definitions(obj) -> list[dict[str, Any]]:
        return queries.attribute_definitions_for(obj)


class CategoryFilter(FilterSchema):
    parent_id: Id | None = None
    roots_only: bool = False


class SkuOut(Schema):
    id: int
    product_id: int
    code: str
    option_values: dict
    price_amount: Decimal
    cost_amount: Decimal | None = Field(description="null unless you may see cost prices")
    weight_grams: int
    barcode: str
    is_active: bool

    @staticmethod
    def resolve_cost_amount(obj, context) -> Decimal | None:
        return obj.cost_amount if queries.can_see_cost(context["request"].user) else None


class ProductOut(Schema):
    id: int
    code: str
    title: str
    category_id: int
    category_name: str
    brand: str
    status: ListingStatus
    status_reason: str
    status_changed_at: datetime | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class ProductDetailOut(ProductOut):
    description: str
    attributes: dict
    option_names: list[str]
    skus: list[SkuOut]


class ProductFilter(FilterSchema):
    status: ListingStatus | None = None
    category_id: Id | None = None
    search: str | None = Field(None, description="in title or product code")


class ProductIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=120)
    category_id: Id
    brand: str = Field("", max_length=60)
    description: str = ""
    attributes: dict[str, Any] = {}
    option_names: list[str] = []


class ProductPatch(Schema):
    """Only the fields sent are changed."""

    title: str = Field(None, min_length=1, max_length=120)
    category_id: Id = None
    brand: str = Field(None, max_length=60)
    description: str = None
    attributes: dict[str, Any] = None
    option_names: list[str] = None


class ListingIn(Schema):
    status: ListingStatus
    reason: ListingReason = ListingReason.NONE


class SkuIn(Schema):
    code: str = Field(min_length=1, max_length=60)
    option_values: dict[str, Any] = {}
    price_amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    cost_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2,
                                      description="needs catalog.view_cost")
    weight_grams: int = Field(0, ge=0, le=INT_MAX)
    barcode: str = Field("", max_length=40)


class SkuPatch(Schema):
    """Only the fields sent are changed; ``cost_amount`` needs ``catalog.view_cost``."""

    option_values: dict[str, Any] = None
    price_amount: Decimal = Field(None, ge=0, max_digits=14, decimal_places=2)
    cost_amount: Decimal = Field(None, ge=0, max_digits=14, decimal_places=2)
    weight_grams: int = Field(None, ge=0, le=INT_MAX)
    barcode: str = Field(None, max_length=40)
    is_active: bool = None


@router.get("/categories", response={200: list[CategoryOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_categories(request, filters: Query[CategoryFilter]):
    """Categories flat, in tree order (level, sort order); ``parent_id`` links the tree."""
    require_perm(request, "catalog.view_category")
    return queries.list_categories(**filters.model_dump())


@router.get("/categories/{category_id}", response={200: CategoryDetailOut, **ERRORS})
def get_category(request, category_id: int):
    require_perm(request, "catalog.view_category", "catalog.view_attributedefinition")
    return queries.get_category(category_id)


@router.get("/products", response={200: list[ProductOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_products(request, filters: Query[ProductFilter]):
    require_perm(request, "catalog.view_product")
    return queries.list_products(**filters.model_dump())


@router.get("/products/{product_id}", response={200: ProductDetailOut, **ERRORS})
def get_product(request, product_id: int):
    require_perm(request, "catalog.view_product", "catalog.view_sku")
    return queries.get_product_detail(product_id)


@router.post("/products", response={201: ProductDetailOut, **ERRORS})
def create_product(request, payload: ProductIn):
    require_perm(request, "catalog.add_product")
    fields = payload.model_dump(exclude={"code", "category_id"})
    category = queries.get_category(payload.category_id)
    product = actions.create_product(payload.code, category=category, actor=request.user,
                                     **fields)
    return Status(201, queries.get_product_detail(product.pk))


@router.patch("/products/{product_id}", response={200: ProductDetailOut, **ERRORS})
def update_product(request, product_id: int, payload: ProductPatch):
    require_perm(request, "catalog.change_product")
    changes = payload.model_dump(exclude_unset=True)
    if "category_id" in changes:
        changes["category"] = queries.get_category(changes.pop("category_id"))
    actions.update_product(queries.get_product(product_id), actor=request.user, **changes)
    return queries.get_product_detail(product_id)


@router.post("/products/{product_id}/listing", response={200: ProductDetailOut, **ERRORS})
def set_listing_status(request, product_id: int, payload: ListingIn):
    """Delist a product (with a reason) or set it back to draft. Listing goes through the
    quality checks at ``POST /api/v1/listing/products/{id}/list``; ``status=listed`` here
    is refused with ``listing_requires_checks``."""
    require_perm(request, "catalog.change_product")
    if payload.status == ListingStatus.LISTED:
        raise ListThroughChecks(id=product_id)
    actions.set_listing_status(queries.get_product(product_id), status=payload.status,
                               reason=payload.reason, actor=request.user)
    return queries.get_product_detail(product_id)


@router.post("/products/{product_id}/skus", response={201: SkuOut, **ERRORS})
def create_sku(request, product_id: int, payload: SkuIn):
    require_perm(request, "catalog.add_sku")
    if payload.cost_amount is not None:
        require_perm(request, COST)
    fields = payload.model_dump()
    fields["cost_amount"] = fields["cost_amount"] or Decimal("0")
    sku = actions.create_sku(queries.get_product(product_id), actor=request.user, **fields)
    return Status(201, sku)


@router.patch("/skus/{sku_id}", response={200: SkuOut, **ERRORS})
def update_sku(request, sku_id: int, payload: SkuPatch):
    require_perm(request, "catalog.change_sku")
    changes = payload.model_dump(exclude_unset=True)
    if "cost_amount" in changes:
        require_perm(request, COST)
    return actions.edit_sku(queries.get_sku(sku_id), actor=request.user, **changes)
