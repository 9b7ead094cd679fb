"""Builders for the listing tests: product facts for the pure rules, stored products with
real-looking Chinese listings, and image bytes made with Pillow."""

import io
import random
from decimal import Decimal

from PIL import Image

from tests import factories
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.models import AttributeDefinition, Category, Product
from zhanggui.listing.lexicon import LexiconSet
from zhanggui.listing.rules import MediaFacts, Policy, ProductFacts, SkuFacts, check_product

LEXICONS = LexiconSet(extra_exemptions=["永久"])
POLICY = Policy()
GOOD_TITLE = "森屿2026夏季新款法式碎花连衣裙女收腰显瘦雪纺中长款度假风裙子"  # exactly 60 bytes (Taobao limit)
GOOD_DESCRIPTION = "雪纺面料，轻薄透气；收腰设计，显瘦百搭。建议手洗，不可漂白。"


def image(url: str = "main.jpg", *, file_format: str = "jpeg", size_bytes: int = 120_000,
          is_main: bool = False) -> MediaFacts:
    return MediaFacts(kind="image", url=url, file_format=file_format, size_bytes=size_bytes,
                      width=800, height=800, is_main=is_main, verified=True)


def webp_images(count: int = 3) -> tuple[MediaFacts, ...]:
    return tuple(image(f"{n}.webp", file_format="webp", is_main=n == 0) for n in range(count))


def sku(code: str = "S1", *, price: str = "199.00", weight: int = 300,
        available: int | None = 10, label: str = "碎花 / M") -> SkuFacts:
    return SkuFacts(code=code, label=label, price_amount=Decimal(price), weight_grams=weight,
                    available=available)


def facts(**overrides) -> ProductFacts:
    """A clean dress listing (no findings); override what a test is about."""
    values = {"title": GOOD_TITLE, "description": GOOD_DESCRIPTION, "goods_kind": "general",
              "core_keywords": ("连衣裙", "裙"), "skus": (sku("S1"), sku("S2", price="219.00")),
              "media": webp_images()}
    values.update(overrides)
    return ProductFacts(**values)


def findings_of(product_facts: ProductFacts, *, lexicons=LEXICONS, policy=POLICY):
    return check_product(product_facts, lexicons, policy)


def rules_of(product_facts: ProductFacts, **kwargs) -> set[str]:
    return {f.rule for f in findings_of(product_facts, **kwargs)}


def image_bytes(file_format: str = "WEBP", *, size: tuple[int, int] = (64, 64),
                noisy: bool = False) -> bytes:
    """A real image file; ``noisy`` makes it large (random pixels do not compress)."""
    if noisy:
        picture = Image.frombytes("RGB", size, random.Random(6).randbytes(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (200, 80, 60))
    buffer = io.BytesIO()
    picture.save(buffer, format=file_format)
    return buffer.getvalue()


def dress_category() -> Category:
    root = factories.make_category()
    return factories.make_category("连衣裙", parent=root)


def clean_product(*, title: str = GOOD_TITLE, description: str = GOOD_DESCRIPTION,
                  category: Category | None = None, skus: int = 2) -> Product:
    """A stored draft product that passes every blocking check."""
    product = factories.make_product(listed=False, category=category or dress_category())
    if title != product.title or description:
        product = catalog_actions.update_product(product, title=title, description=description,
                                                 actor=None)
    for _n in range(skus):
        created = factories.make_sku(product, price="199.00")
        catalog_actions.update_sku(created, weight_grams=300, actor=None)
    return product


def require_attribute(product: Product, code: str = "material", name: str = "材质"):
    return AttributeDefinition.objects.create(category=product.category, code=code, name=name,
                                              is_required=True)
