"""Audit 100,000 generated products through the listing checks the product runs.

    .venv/bin/python benchmarks/listing_audit.py [--products N]

Measured in one process, in memory, through the pure rules (``zhanggui.listing.rules``,
the same functions ``audit_product``/``audit_catalog`` call after loading the facts from
the database; database reads and writes are not part of the figure):

- ``products_per_second``: ``rules.check_product`` on every product (advertising-law scan
  of title, description and SKU names; title length, rjieba segmentation, repeated words and
  core keyword; completeness; SKU price gradient, stock and weight; image and video checks).
  Target ≥ 2,000/s on the 2-core machine.
- ``scan_seconds``: the banned-word scan alone (Aho–Corasick automaton, normalisation and
  exemptions included) over the same texts; ``naive_scan_seconds``: the same scan by a
  per-word substring loop (``Lexicon.naive_scan``: same normalisation, same exemptions,
  ``str.find`` for each of the listed words). Both must find the same hits (``hits``).
- ``matching_only``: the two matchers alone on text normalised beforehand.
- ``segmentation``: rjieba vs jieba on 5,000 of the titles, when jieba is importable.

Products are generated deterministically (seed 6): real-looking Chinese titles from phrase
pools, about one in eight with a banned term, some written with evasions (full-width,
spaces or symbols inside the word, traditional characters) and some with exempt phrases.
Prints one JSON object.
"""

import argparse
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")

import django

django.setup()

from zhanggui.listing import rules  # noqa: E402
from zhanggui.listing.lexicon import LexiconSet  # noqa: E402

KINDS = [("general", ("连衣裙", "裙")), ("general", ("T恤",)), ("cosmetics", ("面霜", "精华")),
         ("food", ("茶", "普洱")), ("general", ("手机壳",))]
BRANDS = ("森屿", "木槿", "初禾", "拾光", "山野", "鹿角巷")
STYLES = ("法式碎花连衣裙", "收腰显瘦连衣裙", "纯棉短袖T恤", "宽松百搭T恤", "玻尿酸保湿面霜",
          "烟酰胺精华液", "云南普洱熟茶饼", "明前龙井绿茶", "磨砂防摔手机壳", "液态硅胶手机壳")
EXTRAS = ("2026夏季新款", "女", "ins风", "小个子", "度假风", "简约", "学生", "情侣款", "礼盒装",
          "357克", "正品", "包邮", "现货速发")
BANNED = ("全网第一", "最佳", "国家级", "独家", "祛痘", "治疗", "开光", "限时秒杀", "原价",
          "顶级", "ＮＯ．１", "最 佳", "國家級", "最*低*价", "絕對")
EXEMPT = ("最佳食用期18个月", "第一次穿就爱上", "100%纯棉", "顾客第一")
SENTENCES = ("面料柔软亲肤，透气不闷热。", "做工精细，走线整齐。", "建议手洗，不可漂白。",
             "尺码偏小，建议拍大一码。", "独立包装，送礼自用两相宜。", "支持七天无理由退换。",
             "产地直发，新鲜到家。", "开封后请密封保存。")
COLORS = ("黑色", "白色", "雾霾蓝", "燕麦色", "酒红色")
SIZES = ("S", "M", "L", "XL")


def generate(count: int, seed: int = 6) -> list[rules.ProductFacts]:
    rng = random.Random(seed)
    products = []
    for n in range(count):
        kind, keywords = KINDS[n % len(KINDS)]
        parts = [rng.choice(BRANDS), rng.choice(EXTRAS), rng.choice(STYLES), rng.choice(EXTRAS)]
        if rng.random() < 0.125:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(BANNED))
        description = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 8)))
        if rng.random() < 0.1:
            description += rng.choice(EXEMPT)
        if rng.random() < 0.05:
            description += rng.choice(BANNED)
        base = Decimal(rng.choice((59, 99, 129, 199, 299)))
        skus = tuple(rules.SkuFacts(code=f"B{n}-{i}", label=f"{rng.choice(COLORS)} / {size}",
                                    price_amount=base + 10 * i,
                                    weight_grams=rng.choice((0, 200, 350)),
                                    available=rng.choice((0, 5, 30)))
                     for i, size in enumerate(SIZES[:rng.randint(1, 4)]))
        media = tuple(rules.MediaFacts(kind="image", url=f"{n}/{i}.jpg",
                                       file_format=rng.choice(("jpeg", "png", "webp")),
                                       size_bytes=rng.randint(60_000, 320_000), width=800,
                                       height=800, is_main=i == 0, verified=True)
                      for i in range(rng.randint(2, 6)))
        if rng.random() < 0.33:
            media += (rules.MediaFacts(kind="video", url=f"{n}/v.mp4", is_main=True,
                                       duration_seconds=rng.randint(5, 45), width=1080,
                                       height=rng.choice((1080, 1920))),)
        products.append(rules.ProductFacts(
            title="".join(parts), description=description, goods_kind=kind,
            core_keywords=keywords, skus=skus, media=media))
    return products


def _segmentation(titles: list[str]) -> dict:
    import rjieba

    started = time.perf_counter()
    for title in titles:
        rjieba.tag(title)
    result = {"titles": len(titles), "rjieba_seconds": round(time.perf_counter() - started, 3)}
    try:
        import jieba
        import jieba.posseg
    except ImportError:
        result["jieba_seconds"] = None
        return result
    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.perf_counter()
    for title in titles:
        list(jieba.posseg.cut(title))
    result["jieba_seconds"] = round(time.perf_counter() - started, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    count = parser.parse_args().products

    products = generate(count)
    lexicons = LexiconSet()
    policy = rules.Policy()
    for kind, _keywords in KINDS:  # build the automata outside the timed part (built once)
        lexicons.for_kind(kind)
    rules.check_product(products[0], lexicons, policy)  # loads rjieba's dictionary

    started = time.perf_counter()
    findings = sum(len(rules.check_product(p, lexicons, policy)) for p in products)
    audit_seconds = time.perf_counter() - started

    texts = [(lexicons.for_kind(p.goods_kind), text) for p in products
             for _name, text in rules.text_fields(p)]
    started = time.perf_counter()
    hits = sum(len(lexicon.scan(text)) for lexicon, text in texts)
    scan_seconds = time.perf_counter() - started
    started = time.perf_counter()
    naive_hits = sum(len(lexicon.naive_scan(text)) for lexicon, text in texts)
    naive_seconds = time.perf_counter() - started

    # Matching alone, on text normalised beforehand: what the automaton itself saves.
    normalised = [(lexicon, lexicon.normaliser.stripped(lexicon.normaliser.light(text))[0])
                  for lexicon, text in texts]
    started = time.perf_counter()
    for lexicon, stripped in normalised:
        lexicon.candidates(stripped)
    match_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for lexicon, stripped in normalised:
        lexicon.naive_candidates(stripped)
    naive_match_seconds = time.perf_counter() - started

    print(json.dumps({
        "products": count,
        "seconds": round(audit_seconds, 3),
        "products_per_second": round(count / audit_seconds),
        "findings": findings,
        "texts_scanned": len(texts),
        "listed_terms": len(lexicons.for_kind("general").terms),
        "hits": hits,
        "naive_hits": naive_hits,
        "scan_seconds": round(scan_seconds, 3),
        "naive_scan_seconds": round(naive_seconds, 3),
        "naive_to_automaton_ratio": round(naive_seconds / scan_seconds, 1),
        "matching_only": {"automaton_seconds": round(match_seconds, 3),
                          "substring_loop_seconds": round(naive_match_seconds, 3),
                          "ratio": round(naive_match_seconds / match_seconds, 1)},
        "segmentation": _segmentation([p.title for p in products[:5000]]),
    }, ensure_ascii=False))
    if hits != naive_hits:
        sys.exit("the automaton and the substring loop disagree")


if __name__ == "__main__":
    main()
