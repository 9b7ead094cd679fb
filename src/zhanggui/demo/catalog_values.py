"""Values of single demo products: attributes, option values, barcodes, descriptions, media."""

import random
from collections.abc import Sequence

from zhanggui.catalog.models import MediaKind, ProductMedia
from zhanggui.demo.context import bulk_insert
from zhanggui.demo.data_catalog import BOOLEAN, CHOICE, NUMBER, Attr, Option, TopCategory

NUMBER_VALUES = {
    "shelf_life_months": (24, 36, 36), "shelf_life_days": (180, 270, 365),
    "warranty_months": (12, 12, 24), "power_w": (20, 30, 65), "length_m": (1, 2, 3),
    "battery_hours": (24, 30, 36, 48), "capacity_l": (10, 30, 60, 90),
}
ORIGINS = ("浙江杭州", "云南普洱", "福建安溪", "新疆和田", "美国加州", "澳大利亚", "山东临沂",
           "广东潮州")
SELLING_POINTS = {
    "clothing": ("面料柔软亲肤，版型经过多次打样调整", "做工精细，走线平整", "支持七天无理由退换"),
    "beauty": ("温和配方，经过皮肤测试", "质地轻薄好吸收", "正品保障，假一赔十"),
    "food": ("严选原料，当季新鲜发货", "独立包装，方便携带", "无添加防腐剂"),
    "electronics": ("通过3C认证，安全稳定", "一年质保，只换不修", "兼容主流机型"),
    "home": ("A类面料，婴幼儿可用", "可机洗，不起球不掉色", "加厚材质，经久耐用"),
}
MEDIA_HOST = "https://img.demo.zhanggui.example"


def attributes(rng: random.Random, attrs: Sequence[Attr]) -> dict:
    """Attribute values valid for the definitions; optional ones are sometimes left empty
    (listing-quality checks then have something to find)."""
    values = {}
    for attr in attrs:
        if not attr.required and rng.randrange(100) < 15:
            continue
        values[attr.code] = _attribute_value(rng, attr)
    return values


def _attribute_value(rng: random.Random, attr: Attr):
    if attr.value_type == CHOICE:
        return rng.choice(attr.choices)
    if attr.value_type == NUMBER:
        return rng.choice(NUMBER_VALUES.get(attr.code, (1, 2, 3)))
    if attr.value_type == BOOLEAN:
        return rng.randrange(10) > 0
    return rng.choice(ORIGINS)


def option_values(rng: random.Random, option: Option) -> list[str]:
    """The values of ``option`` one product offers, in the option's natural order."""
    count = min(len(option.values), rng.randint(*option.count))
    if option.consecutive:
        start = rng.randrange(len(option.values) - count + 1)
        return list(option.values[start:start + count])
    picked = sorted(rng.sample(range(len(option.values)), count))
    return [option.values[i] for i in picked]


def variant_weight(options: Sequence[Option], chosen: list[list[str]],
                   combination: tuple[tuple[int, str], ...]) -> int:
    """How popular one SKU is among its siblings: middle sizes, first colours and the
    smaller (cheaper) pack sell best."""
    weight = 1
    for option, values, (position, _value) in zip(options, chosen, combination, strict=True):
        count = len(values)
        if option.consecutive:
            weight *= 1 + 2 * min(position, count - 1 - position)
        else:
            weight *= count - position
    return weight


def ean13(rng: random.Random) -> str:
    """A valid EAN-13 with the 69 prefix of GS1 China."""
    body = "69" + "".join(str(rng.randrange(10)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def description(rng: random.Random, top: TopCategory, title: str) -> str:
    points = rng.sample(SELLING_POINTS[top.key], 2)
    return f"{title}。{points[0]}；{points[1]}。"


def write_media(rng: random.Random, drafts: list) -> int:
    """Image metadata for every product (a square main image, detail images) and a short
    video for about a third of them."""
    rows = []
    for draft in drafts:
        product = draft.product
        for n in range(rng.randint(3, 6)):
            rows.append(_image(rng, product, n))
        if rng.randrange(100) < 32:
            rows.append(_video(rng, product))
    bulk_insert(ProductMedia, rows)
    return len(rows)


def _image(rng: random.Random, product, n: int) -> ProductMedia:
    if n == 0:
        width = height = 800
        file_format = "jpg"
    else:
        width, height = 750, rng.choice((1000, 1125, 1334, 1600))
        file_format = rng.choice(("jpg", "jpg", "png", "webp"))
    per_pixel_permille = {"jpg": 220, "png": 700, "webp": 150}[file_format]
    size = width * height * per_pixel_permille // 1000 + rng.randint(-20_000, 40_000)
    return ProductMedia(product=product, kind=MediaKind.IMAGE,
                        url=f"{MEDIA_HOST}/{product.code}/{n + 1}.{file_format}",
                        file_format=file_format, size_bytes=max(30_000, size), width=width,
                        height=height, is_main=n == 0, sort_order=n,
                        alt_text=product.title[:120])


def _video(rng: random.Random, product) -> ProductMedia:
    duration = rng.randint(9, 60)
    portrait = rng.randrange(2) == 0
    width, height = (720, 1280) if portrait else (1280, 720)
    return ProductMedia(product=product, kind=MediaKind.VIDEO,
                        url=f"{MEDIA_HOST}/{product.code}/video.mp4", file_format="mp4",
                        size_bytes=duration * rng.randint(250_000, 600_000), width=width,
                        height=height, duration_seconds=duration, sort_order=10,
                        alt_text=product.title[:120])
