"""Listing reads: the compiled word lists, the shop's policy, the facts the checks read from
a stored product, and the stored findings and scores."""

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet

from zhanggui.catalog import queries as catalog_queries
from zhanggui.catalog.models import Category, Product
from zhanggui.core.errors import NotFound
from zhanggui.core.schemas import ID_MAX
from zhanggui.inventory import queries as inventory_queries
from zhanggui.listing import media as listing_media
from zhanggui.listing import rules
from zhanggui.listing.lexicon import LexiconSet, Term
from zhanggui.listing.models import (
    CategoryCheck,
    ChannelTitleLimit,
    DeclaredBrand,
    EntryKind,
    Finding,
    ListingPolicy,
    ProductScore,
    TermCategory,
    WordListEntry,
)
from zhanggui.listing.rules import Policy, ProductFacts, SkuFacts

DEFAULT_CHANNELS = (("taobao", "淘宝", 60),)
_lexicon_cache: dict[tuple, LexiconSet] = {}


def _word_list_stamp() -> tuple:
    entries = WordListEntry.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    brands = DeclaredBrand.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return entries["n"], entries["changed"], brands["n"], brands["changed"]


def lexicon_set() -> LexiconSet:
    """The built-in list plus the shop's active additions and exemptions and its declared
    brands, compiled once per version of those tables."""
    stamp = _word_list_stamp()
    cached = _lexicon_cache.get(stamp)
    if cached is not None:
        return cached
    entries = list(WordListEntry.objects.filter(is_active=True))
    extra_terms = [Term(term=e.term, category=e.category, severity=e.severity,
                        basis=e.legal_basis or str(TermCategory(e.category).label),
                        scope="all", source="shop")
                   for e in entries if e.kind == EntryKind.BANNED]
    exemptions = [e.term for e in entries if e.kind == EntryKind.EXEMPT]
    exemptions += list(DeclaredBrand.objects.values_list("name", flat=True))
    lexicons = LexiconSet(extra_terms=extra_terms, extra_exemptions=exemptions)
    _lexicon_cache.clear()
    _lexicon_cache[stamp] = lexicons
    return lexicons


def policy() -> Policy:
    """The shop's thresholds and channel title limits (defaults while none are stored)."""
    row = ListingPolicy.objects.order_by("id").first() or ListingPolicy()
    channels = tuple((c.channel, c.name, c.max_bytes)
                     for c in ChannelTitleLimit.objects.filter(is_active=True))
    return Policy(min_image_count=row.min_image_count,
                  max_image_bytes=row.max_image_kilobytes * 1024,
                  sku_price_ratio=Decimal(row.sku_price_ratio),
                  min_video_seconds=row.min_video_seconds,
                  max_video_seconds=row.max_video_seconds, max_video_lines=row.max_video_lines,
                  short_title_share=Decimal(row.short_title_share),
                  channels=channels or DEFAULT_CHANNELS)


class CategoryContext:
    """What the checks need to know about a category, looked up once per category."""

    def __init__(self, lexicons: LexiconSet):
        self.lexicons = lexicons
        self._cache: dict[int, dict[str, Any]] = {}

    def of(self, category: Category) -> dict[str, Any]:
        found = self._cache.get(category.pk)
        if found is None:
            chain = [*category.ancestors(), category]
            setting = CategoryCheck.objects.filter(category__in=chain).order_by(
                "-category__level").first()
            if setting is not None and setting.goods_kind != "general":
                kind = setting.goods_kind
            else:
                kind = self.lexicons.goods_kind_of(c.name for c in chain)
            keywords = tuple(setting.core_keywords) if setting and setting.core_keywords else (
                rules.default_core_keywords(category.name))
            found = {"goods_kind": kind, "core_keywords": keywords,
                     "definitions": tuple(catalog_queries.attribute_definitions_for(category))}
            self._cache[category.pk] = found
        return found


def _sku_label(option_values: dict) -> str:
    return " / ".join(str(v) for v in (option_values or {}).values())


def _available_by_sku(sku_ids: list[int]) -> dict[int, int]:
    totals: dict[int, int] = dict.fromkeys(sku_ids, 0)
    rows = inventory_queries.list_stock().filter(sku_id__in=sku_ids).values_list("sku_id",
                                                                                 "available")
    for sku_id, available in rows:
        totals[sku_id] += available
    return totals


def facts_for(products: Iterable[Product], context: CategoryContext,
              ) -> Iterator[tuple[Product, ProductFacts]]:
    """The facts of each product (SKUs with stock, media with measured images)."""
    products = list(products)
    skus = [sku for p in products for sku in p.skus.all()]
    available = _available_by_sku([sku.pk for sku in skus])
    for product in products:
        category = context.of(product.category)
        yield product, ProductFacts(
            title=product.title, description=product.description,
            goods_kind=category["goods_kind"], core_keywords=category["core_keywords"],
            attribute_definitions=category["definitions"], attributes=product.attributes or {},
            skus=tuple(SkuFacts(code=s.code, label=_sku_label(s.option_values),
                                price_amount=s.price_amount, weight_grams=s.weight_grams,
                                available=available.get(s.pk, 0), is_active=s.is_active)
                       for s in product.skus.all()),
            media=tuple(listing_media.media_facts(m) for m in product.media.all()),
        )


def products_to_audit(product_ids: Iterable[int] | None = None) -> QuerySet[Product]:
    qs = (catalog_queries.list_products().select_related("category__parent__parent")
          .prefetch_related("skus", "media").order_by("id"))
    if product_ids is not None:
        qs = qs.filter(pk__in=list(product_ids))
    return qs


def get_score(product_id: int) -> ProductScore:
    if not 1 <= product_id <= ID_MAX:  # a lookup through the foreign key is not range-checked
        raise NotFound()
    try:
        return ProductScore.objects.select_related("product").get(product_id=product_id)
    except ProductScore.DoesNotExist:
        raise NotFound() from None


def list_findings(product_id: int) -> QuerySet[Finding]:
    return Finding.objects.filter(product_id=product_id).order_by("id")


def list_scores(*, rule: str | None = None, severity: str | None = None,
                max_score: int | None = None) -> QuerySet[ProductScore]:
    """Scores worst first; filter by a rule or severity that has findings, or a ceiling."""
    qs = ProductScore.objects.select_related("product", "product__category")
    if rule:
        qs = qs.filter(product__listing_findings__rule=rule).distinct()
    if severity:
        qs = qs.filter(product__listing_findings__severity=severity).distinct()
    if max_score is not None:
        qs = qs.filter(score__lte=max_score)
    return qs.order_by("score", "product_id")
