"""Catalog writes: products, SKUs and listing status. Each call writes the operation log."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.catalog import events as catalog_events
from zhanggui.catalog import rules
from zhanggui.catalog.errors import DuplicateCode, InvalidAttributes, InvalidSku, ListingNotAllowed
from zhanggui.catalog.models import Category, ListingReason, ListingStatus, Product, Sku
from zhanggui.catalog.queries import attribute_definitions_for
from zhanggui.core.money import to_money

PRODUCT_FIELDS = ("code", "title", "category_id", "brand", "description", "attributes",
                  "option_names", "status", "status_reason")
SKU_FIELDS = ("code", "option_values", "price_amount", "cost_amount", "weight_grams", "barcode",
              "is_active")


def _check_attributes(category: Category, attributes: dict[str, Any]) -> None:
    problems = rules.attribute_problems(attribute_definitions_for(category), attributes)
    if problems:
        raise InvalidAttributes(problems="; ".join(problems))


def _check_sku_values(option_names: list[str], option_values: dict[str, Any],
                      price_amount: Decimal, cost_amount: Decimal) -> None:
    problems = rules.option_problems(option_names, option_values)
    if price_amount < 0 or cost_amount < 0:
        problems.append("price and cost must not be negative")
    if problems:
        raise InvalidSku(problem="; ".join(problems))


@transaction.atomic
def create_product(code: str, *, title: str, category: Category, actor: Staff | None,
                   attributes: dict[str, Any] | None = None, option_names: list[str] | None = None,
                   brand: str = "", description: str = "") -> Product:
    """Create a draft product.

    Raises:
        DuplicateCode: when ``code`` is taken.
        InvalidAttributes: when attributes break the category's definitions.
    """
    attributes = attributes or {}
    _check_attributes(category, attributes)
    if Product.objects.filter(code=code).exists():
        raise DuplicateCode(code=code)
    product = Product.objects.create(code=code, title=title, category=category, brand=brand,
                                     description=description, attributes=attributes,
                                     option_names=option_names or [])
    log_operation(product, action="catalog.create_product", actor=actor,
                  after=snapshot(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def update_product(product: Product, *, actor: Staff | None, **changes: Any) -> Product:
    """Change title, brand, description, category, attributes or option names.

    Raises:
        InvalidAttributes: when the result breaks the category's attribute definitions.
        InvalidSku: when option names change while SKUs use the old ones.
    """
    allowed = {"title", "brand", "description", "category", "attributes", "option_names"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} with update_product")
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(product, PRODUCT_FIELDS)
    for name, value in changes.items():
        setattr(product, name, value)
    _check_attributes(product.category, product.attributes)
    if "option_names" in changes:
        for sku in product.skus.all():
            if rules.option_problems(product.option_names, sku.option_values):
                raise InvalidSku(problem=f"SKU {sku.code} does not match the new option names")
    product.save()
    log_operation(product, action="catalog.update_product", actor=actor, before=before,
                  after=snapshot(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def create_sku(product: Product, *, code: str, price_amount: Decimal, cost_amount: Decimal,
               actor: Staff | None, option_values: dict[str, Any] | None = None,
               weight_grams: int = 0, barcode: str = "") -> Sku:
    """Add a SKU to ``product``.

    Raises:
        InvalidSku: when options do not match the product's option names or amounts are negative.
        DuplicateCode: when ``code`` is taken.
    """
    option_values = option_values or {}
    price_amount, cost_amount = to_money(price_amount), to_money(cost_amount)
    _check_sku_values(product.option_names, option_values, price_amount, cost_amount)
    try:
        with transaction.atomic():
            sku = Sku.objects.create(product=product, code=code, option_values=option_values,
                                     price_amount=price_amount, cost_amount=cost_amount,
                                     weight_grams=weight_grams, barcode=barcode)
    except IntegrityError:
        raise DuplicateCode(code=code) from None
    log_operation(sku, action="catalog.create_sku", actor=actor, after=snapshot(sku, SKU_FIELDS))
    return sku


@transaction.atomic
def update_sku(sku: Sku, *, actor: Staff | None, **changes: Any) -> Sku:
    """Change a SKU's price, cost, weight, barcode, options or active flag.

    Raises:
        InvalidSku: when the result is invalid (negative amounts, options not matching).
    """
    allowed = {"price_amount", "cost_amount", "weight_grams", "barcode", "option_values",
               "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} with update_sku")
    sku = Sku.objects.select_for_update().select_related("product").get(pk=sku.pk)
    before = snapshot(sku, SKU_FIELDS)
    for name, value in changes.items():
        if name in ("price_amount", "cost_amount"):
            value = to_money(value)
        setattr(sku, name, value)
    _check_sku_values(sku.product.option_names, sku.option_values, sku.price_amount,
                      sku.cost_amount)
    sku.save()
    log_operation(sku, action="catalog.update_sku", actor=actor, before=before,
                  after=snapshot(sku, SKU_FIELDS))
    return sku


# The price engine (``pricing.actions.set_sku_price``) sets a person's price edits: it keeps
# the price history the 30-day lowest price reads and writes ``price.changed``. pricing sits
# above catalog, so it registers itself here when the app starts.
_set_price: Callable[..., Sku] | None = None


def use_price_engine(set_price: Callable[..., Sku]) -> None:
    global _set_price
    _set_price = set_price


@transaction.atomic
def edit_sku(sku: Sku, *, actor: Staff | None, **changes: Any) -> Sku:
    """A person's edit of a SKU (the console's form, the API's PATCH): a new price goes
    through the price engine, the other fields through ``update_sku``; all or nothing.

    Raises:
        InvalidSku: when the result is invalid (negative amounts, options not matching).
    """
    price = changes.pop("price_amount", None)
    if changes:
        sku = update_sku(sku, actor=actor, **changes)
    if price is not None and to_money(price) != Sku.objects.get(pk=sku.pk).price_amount:
        if _set_price is None:
            raise ImproperlyConfigured("the pricing app is not installed: no price engine")
        sku = _set_price(sku, price=price, actor=actor)
    return sku


@transaction.atomic
def set_listing_status(product: Product, *, status: str, reason: str, actor: Staff | None) -> Product:
    """List or delist a product, recording why.

    Raises:
        ListingNotAllowed: listing a product without an active SKU, or delisting without a reason.
    """
    product = Product.objects.select_for_update().get(pk=product.pk)
    status = ListingStatus(status)
    reason = ListingReason(reason)
    if status == ListingStatus.LISTED and not product.skus.filter(is_active=True).exists():
        raise ListingNotAllowed(problem="no active SKU")
    if status == ListingStatus.DELISTED and reason == ListingReason.NONE:
        raise ListingNotAllowed(problem="a reason is required to delist")
    before = snapshot(product, ("status", "status_reason"))
    product.status, product.status_reason = status, reason
    product.status_changed_at = timezone.now()
    product.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    log_operation(product, action="catalog.set_listing_status", actor=actor, before=before,
                  after=snapshot(product, ("status", "status_reason")))
    catalog_events.listing_changed(product, before["status"])
    return product
