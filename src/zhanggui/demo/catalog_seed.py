"""The demo catalog: category tree, attribute definitions, tags, products, SKUs and media.

Products get a listing history (listed long ago, new this year, delisted with a reason,
or still a draft) and a popularity that the order generator follows.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from zhanggui.catalog.models import (
    AttributeDefinition,
    Category,
    ListingReason,
    ListingStatus,
    Product,
    Sku,
    Tag,
)
from zhanggui.catalog.rules import attribute_problems
from zhanggui.core.money import to_money
from zhanggui.demo import catalog_values
from zhanggui.demo.context import Clock, SeedOptions, bulk_insert, stream
from zhanggui.demo.data_catalog import LEAVES, TAGS, TOP_CATEGORIES, Attr, Leaf, TopCategory
from zhanggui.demo.plans import SkuInfo

TOPS = {top.name: top for top in TOP_CATEGORIES}
DELIST_REASONS = (ListingReason.SEASON_END, ListingReason.SLOW_SELLER, ListingReason.STOCK_OUT,
                  ListingReason.QUALITY_ISSUE, ListingReason.RULE_VIOLATION)


@dataclass
class ProductDraft:
    """A product with its SKUs before they are written."""

    product: Product
    leaf: Leaf
    skus: list[Sku]
    sku_weights: list[int]
    popularity: int
    listed_at: datetime | None
    delisted_at: datetime | None


@dataclass
class CatalogResult:
    skus: list[SkuInfo]
    drafts: list[ProductDraft]
    categories: int
    attribute_definitions: int


def seed_catalog(options: SeedOptions, clock: Clock) -> CatalogResult:
    rng = stream(options, "catalog")
    leaves, definitions = _write_categories(clock)
    tags = _write_tags()
    drafts = []
    for leaf in LEAVES:
        drafts.extend(_leaf_products(rng, clock, leaf, leaves[leaf.name], options.products_per_leaf,
                                     len(drafts)))
    _check_attributes(drafts, definitions)
    bulk_insert(Product, [d.product for d in drafts])
    for draft in drafts:
        for sku in draft.skus:
            sku.product = draft.product
    bulk_insert(Sku, [sku for d in drafts for sku in d.skus])
    _write_tags_of(rng, clock, drafts, tags)
    catalog_values.write_media(rng, drafts)
    return CatalogResult(skus=_sku_infos(drafts), drafts=drafts,
                         categories=Category.objects.count(),
                         attribute_definitions=AttributeDefinition.objects.count())


def _write_categories(clock: Clock) -> tuple[dict[str, Category], dict[str, list[dict]]]:
    """Create the three levels; return leaves by name and attribute definitions per leaf."""
    created = clock.at(clock.first_day - timedelta(days=420), 10)
    tops = [Category(name=t.name, level=1, sort_order=i, created_at=created, updated_at=created)
            for i, t in enumerate(TOP_CATEGORIES)]
    bulk_insert(Category, tops)
    by_top = {c.name: c for c in tops}
    sub_names = list(dict.fromkeys((leaf.top, leaf.sub) for leaf in LEAVES))
    subs = [Category(name=sub, parent=by_top[top], level=2, sort_order=i, created_at=created,
                     updated_at=created) for i, (top, sub) in enumerate(sub_names)]
    bulk_insert(Category, subs)
    by_sub = {(c.parent.name, c.name): c for c in subs}
    leaves = [Category(name=leaf.name, parent=by_sub[(leaf.top, leaf.sub)], level=3,
                       sort_order=i, created_at=created, updated_at=created)
              for i, leaf in enumerate(LEAVES)]
    bulk_insert(Category, leaves)
    rows = [_definition(by_top[t.name], attr, i) for t in TOP_CATEGORIES
            for i, attr in enumerate(t.attrs)]
    rows += [_definition(category, attr, 10 + i)
             for leaf, category in zip(LEAVES, leaves, strict=True)
             for i, attr in enumerate(leaf.attrs)]
    bulk_insert(AttributeDefinition, rows)
    definitions = {leaf.name: [_as_dict(a) for a in (*TOPS[leaf.top].attrs, *leaf.attrs)]
                   for leaf in LEAVES}
    return {c.name: c for c in leaves}, definitions


def _definition(category: Category, attr: Attr, sort_order: int) -> AttributeDefinition:
    return AttributeDefinition(category=category, code=attr.code, name=attr.name,
                               value_type=attr.value_type, choices=list(attr.choices),
                               is_required=attr.required, sort_order=sort_order)


def _as_dict(attr: Attr) -> dict:
    return {"code": attr.code, "name": attr.name, "value_type": attr.value_type,
            "choices": list(attr.choices), "is_required": attr.required}


def _write_tags() -> dict[str, Tag]:
    tags = [Tag(name=name) for name in TAGS]
    bulk_insert(Tag, tags)
    return {t.name: t for t in tags}


def _leaf_products(rng: random.Random, clock: Clock, leaf: Leaf, category: Category, count: int,
                   offset: int) -> list[ProductDraft]:
    combos = list(itertools.product(leaf.styles, leaf.extras))
    rng.shuffle(combos)
    drafts = []
    for n, (style, extra) in enumerate(combos[:count]):
        code = f"SP{10001 + offset + n}"
        brand = rng.choice(leaf.brands)
        title = f"{brand} {style} {extra.format(year=clock.today.year)}"
        drafts.append(_product(rng, clock, leaf, category, code, brand, title))
    return drafts


def _product(rng: random.Random, clock: Clock, leaf: Leaf, category: Category, code: str,
             brand: str, title: str) -> ProductDraft:
    top = TOPS[leaf.top]
    status, reason, listed_at, delisted_at, created_at = _listing_history(rng, clock)
    product = Product(
        code=code, title=title[:120], category=category, brand=brand,
        description=catalog_values.description(rng, top, title),
        attributes=catalog_values.attributes(rng, (*top.attrs, *leaf.attrs)),
        option_names=[o.name for o in leaf.options], status=status, status_reason=reason,
        status_changed_at=delisted_at or listed_at, created_at=created_at,
        updated_at=delisted_at or listed_at or created_at)
    skus, weights = _skus(rng, leaf, top, code, created_at)
    popularity = max(1, int(1000 * rng.paretovariate(1.3)) // 10)
    return ProductDraft(product, leaf, skus, weights, popularity, listed_at, delisted_at)


def _listing_history(rng: random.Random, clock: Clock):
    """(status, reason, listed_at, delisted_at, created_at) of a new product."""
    roll = rng.randrange(100)
    start = clock.at(clock.first_day, 10)
    if roll < 6:  # a draft being prepared
        created = clock.now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        return ListingStatus.DRAFT, ListingReason.NONE, None, None, created
    if roll < 80:  # listed before the history window
        listed = start - timedelta(days=rng.randint(5, 400), hours=rng.randint(0, 8))
    else:  # launched during the year, some of them in the last weeks
        listed = start + timedelta(days=rng.randint(10, 362), hours=rng.randint(0, 8))
        listed = min(listed, clock.now - timedelta(days=2))
    created = listed - timedelta(days=rng.randint(1, 10))
    if roll < 12:  # taken off sale during the year
        delisted = start + timedelta(days=rng.randint(40, 340), hours=rng.randint(9, 18))
        if delisted < clock.now - timedelta(days=3):
            return ListingStatus.DELISTED, rng.choice(DELIST_REASONS), listed, delisted, created
    reason = ListingReason.RESTOCKED if roll % 10 == 0 else ListingReason.NEW
    return ListingStatus.LISTED, reason, listed, None, created


def _skus(rng: random.Random, leaf: Leaf, top: TopCategory, code: str,
          created_at: datetime) -> tuple[list[Sku], list[int]]:
    chosen = [catalog_values.option_values(rng, option) for option in leaf.options]
    priced_span = sum(len(values) - 1 for option, values in zip(leaf.options, chosen, strict=True)
                      if option.priced)
    base = rng.randrange(max(1, len(leaf.prices) - priced_span))
    skus, weights = [], []
    for n, combination in enumerate(itertools.product(*[list(enumerate(v)) for v in chosen])):
        step = sum(position
                   for option, (position, _v) in zip(leaf.options, combination, strict=True)
                   if option.priced)
        price = to_money(Decimal(str(leaf.prices[min(base + step, len(leaf.prices) - 1)])))
        cost = to_money(price * rng.randint(*top.cost_pct) / 100)
        values = {option.name: value
                  for option, (_p, value) in zip(leaf.options, combination, strict=True)}
        skus.append(Sku(code=f"{code}-{n + 1:02d}", option_values=values, price_amount=price,
                        cost_amount=cost, weight_grams=rng.randint(*leaf.grams) + 80 * step,
                        barcode=catalog_values.ean13(rng), is_active=True,
                        created_at=created_at, updated_at=created_at))
        weights.append(catalog_values.variant_weight(leaf.options, chosen, combination))
    return skus, weights


def _check_attributes(drafts: list[ProductDraft], definitions: dict[str, list[dict]]) -> None:
    for draft in drafts:
        problems = attribute_problems(definitions[draft.leaf.name], draft.product.attributes)
        if problems:
            raise ValueError(f"demo product {draft.product.code}: {problems}")


def _write_tags_of(rng: random.Random, clock: Clock, drafts: list[ProductDraft],
                   tags: dict[str, Tag]) -> None:
    ranked = sorted(drafts, key=lambda d: -d.popularity)
    hot = {id(d) for d in ranked[:max(1, len(ranked) // 20)]}
    popular = {id(d) for d in ranked[:max(2, len(ranked) // 6)]}
    through = Product.tags.through
    rows = []
    for draft in drafts:
        names = []
        if draft.listed_at and draft.listed_at > clock.now - timedelta(days=45):
            names.append("新品")
        if id(draft) in hot and draft.delisted_at is None:
            names.append("爆款")
        if id(draft) in popular and draft.delisted_at is None:
            names.append("热销")
        if rng.randrange(100) < 15:
            names.append("优惠")
        rows += [through(product_id=draft.product.pk, tag_id=tags[n].pk) for n in names]
    through.objects.bulk_create(rows)


def _sku_infos(drafts: list[ProductDraft]) -> list[SkuInfo]:
    infos = []
    for draft in drafts:
        top = TOPS[draft.leaf.top]
        for sku, weight in zip(draft.skus, draft.sku_weights, strict=True):
            infos.append(SkuInfo(
                pk=sku.pk, code=sku.code, product_title=draft.product.title,
                option_values=sku.option_values, price=sku.price_amount, cost=sku.cost_amount,
                top=top, weight=draft.popularity * weight, listed_at=draft.listed_at,
                delisted_at=draft.delisted_at))
    return infos
