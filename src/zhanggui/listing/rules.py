"""Pure listing checks: read a product as the platforms and the law do.

``check_product(facts, lexicons, policy)`` returns the findings of every rule; the score
is ``score(findings)``. No database: the callers (``queries.product_facts``) gather the
facts, ``media`` reads image bytes. Each rule has a stable code, a default severity, the
field it looks at, a message and a suggested fix (English here, Chinese in the catalogue).
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import rjieba
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.rules import empty_attribute_share
from zhanggui.listing.lexicon import Hit, LexiconSet

BLOCKING, WARNING, HINT = "blocking", "warning", "hint"
PENALTY = {BLOCKING: 25, WARNING: 8, HINT: 2}
ALLOWED_IMAGE_FORMATS = frozenset({"jpeg", "png", "webp"})


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    message: object  # lazy translation with %(name)s parameters
    fix: object


def _rule(code: str, severity: str, message, fix) -> Rule:
    return Rule(code, severity, message, fix)


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    _rule("ad_absolute_term", BLOCKING,
          _("Absolute term “%(term)s” (%(basis)s)."),
          _("Remove “%(term)s” or replace it with a verifiable fact (a test result, a rank "
            "with its source and date).")),
    _rule("ad_state_endorsement", BLOCKING,
          _("Claims endorsement by the state: “%(term)s” (%(basis)s)."),
          _("Remove any use of state bodies, officials or their names.")),
    _rule("ad_medical_claim", BLOCKING,
          _("Medical or efficacy claim “%(term)s” on goods that are not medicine (%(basis)s)."),
          _("Describe what the product is and how it is used; no disease, treatment or "
            "efficacy claims.")),
    _rule("ad_superstition", BLOCKING,
          _("Superstitious claim “%(term)s” (%(basis)s)."),
          _("Remove the claim; describe material, craft and meaning as culture, not as effect.")),
    _rule("ad_promotion_unqualified", WARNING,
          _("Promotion wording “%(term)s” without %(missing)s (%(basis)s)."),
          _("State the promotion period (e.g. 12月1日—12月3日) and, for a price cut, the real "
            "earlier price it is compared with.")),
    _rule("ad_shop_term", BLOCKING,
          _("“%(term)s” is on the shop's word list (%(basis)s)."),
          _("Remove or rephrase “%(term)s”.")),
    _rule("title_too_long", BLOCKING,
          _("Title is %(bytes)d bytes; %(channel)s allows %(limit)d (a Chinese character is 2)."),
          _("Shorten the title to %(limit)d bytes: drop repeated and filler words first.")),
    _rule("title_too_short", HINT,
          _("Title uses %(bytes)d of %(limit)d bytes on %(channel)s; a thin title ranks poorly."),
          _("Add the words buyers search for: material, style, season, audience.")),
    _rule("title_repeated_word", HINT,
          _("“%(word)s” appears %(count)d times in the title."),
          _("Say each word once and use the room for another search term.")),
    _rule("title_keyword_stuffing", WARNING,
          _("Keyword stuffing: “%(word)s” appears %(count)d times in the title."),
          _("Platforms demote stuffed titles; keep one “%(word)s”.")),
    _rule("title_core_keyword_missing", WARNING,
          _("The title does not name the product: none of %(keywords)s."),
          _("Put the core product word of the category (e.g. %(example)s) in the title.")),
    _rule("required_attribute_missing", BLOCKING,
          _("Required attribute “%(name)s” is empty."),
          _("Fill in “%(name)s”: the category requires it.")),
    _rule("attributes_incomplete", WARNING,
          _("%(share)s of the category's attributes are empty (more than 20 %%)."),
          _("Fill in the empty attributes: %(names)s.")),
    _rule("description_missing", WARNING,
          _("The product has no description."),
          _("Describe material, size, use and care; buyers and search both read it.")),
    _rule("too_few_images", WARNING,
          _("%(count)d image(s); at least %(minimum)d are expected."),
          _("Add images: main image, details, size chart, in use.")),
    _rule("no_active_sku", BLOCKING,
          _("The product has no active SKU."),
          _("Add or activate at least one SKU.")),
    _rule("sku_price_outlier", WARNING,
          _("SKU %(sku)s costs %(price)s, far from its siblings' median %(median)s (over %(ratio)s×)."),
          _("Check the price of %(sku)s, or sell it as a separate product.")),
    _rule("cheapest_sku_out_of_stock", WARNING,
          _("The cheapest SKU %(sku)s (%(price)s) is out of stock; buyers see a price they cannot buy."),
          _("Restock %(sku)s or deactivate it.")),
    _rule("sku_weight_missing", WARNING,
          _("SKU %(sku)s has no weight; shipping fees need it."),
          _("Enter the packed weight of %(sku)s in grams.")),
    _rule("image_format_not_allowed", BLOCKING,
          _("Image %(url)s is %(format)s; only WebP, JPEG and PNG are accepted."),
          _("Convert the image to WebP (preferred), JPEG or PNG.")),
    _rule("image_too_large", WARNING,
          _("Image %(url)s is %(kilobytes)d KB; the limit is %(limit)d KB."),
          _("Compress the image (WebP at quality 80 is usually well under the limit).")),
    _rule("image_unreadable", BLOCKING,
          _("Image %(url)s cannot be read as an image."),
          _("Upload the image again.")),
    _rule("image_not_webp", HINT,
          _("%(count)d image(s) are not WebP."),
          _("WebP is preferred: smaller files load faster.")),
    _rule("image_not_verified", HINT,
          _("%(count)d image(s) are not in media storage; checked from stored metadata only."),
          _("Store the image files so their real bytes can be checked.")),
    _rule("video_duration_out_of_range", WARNING,
          _("The main video is %(seconds)d s; %(minimum)d–%(maximum)d s is expected."),
          _("Cut the main video to %(minimum)d–%(maximum)d seconds.")),
    _rule("video_resolution_too_high", WARNING,
          _("The main video is %(lines)dp; at most %(limit)dp is accepted."),
          _("Export the main video at %(limit)dp or lower.")),
)}

# Short names of the rules, for filters and report columns.
RULE_NAMES = {
    "ad_absolute_term": _("absolute terms"),
    "ad_state_endorsement": _("state endorsement"),
    "ad_medical_claim": _("medical or efficacy claims"),
    "ad_superstition": _("superstition"),
    "ad_promotion_unqualified": _("promotion without period or price basis"),
    "ad_shop_term": _("shop word list"),
    "title_too_long": _("title too long"),
    "title_too_short": _("title too short"),
    "title_repeated_word": _("repeated title word"),
    "title_keyword_stuffing": _("keyword stuffing"),
    "title_core_keyword_missing": _("core keyword missing"),
    "required_attribute_missing": _("required attribute missing"),
    "attributes_incomplete": _("attributes incomplete"),
    "description_missing": _("no description"),
    "too_few_images": _("too few images"),
    "no_active_sku": _("no active SKU"),
    "sku_price_outlier": _("SKU price far from siblings"),
    "cheapest_sku_out_of_stock": _("cheapest SKU out of stock"),
    "sku_weight_missing": _("SKU without weight"),
    "image_format_not_allowed": _("image format not accepted"),
    "image_too_large": _("image too large"),
    "image_unreadable": _("unreadable image"),
    "image_not_webp": _("images not WebP"),
    "image_not_verified": _("images not in storage"),
    "video_duration_out_of_range": _("main video length"),
    "video_resolution_too_high": _("main video resolution"),
}


def rule_name(code: str) -> str:
    return str(RULE_NAMES.get(code, code))


CATEGORY_RULES = {"absolute": "ad_absolute_term", "state_endorsement": "ad_state_endorsement",
                  "medical": "ad_medical_claim", "superstition": "ad_superstition",
                  "promotion": "ad_promotion_unqualified", "shop": "ad_shop_term"}

MISSING = {"price": _("a price basis"), "period": _("a period")}

# A promotion is qualified by its period (dates, times, 截至…) or by a price basis.
_PERIOD = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.年]\d{1,2}|\d{1,2}[:：]\d{2}|"
                     r"截[至止]|活动时间|活动期间|有效期")
_PRICE = re.compile(r"(原价|划线价|吊牌价|日常价|前价)\s*[:：]?\s*[¥￥]?\s*\d|[¥￥]\s*\d|\d+(\.\d+)?\s*元")


@dataclass(frozen=True)
class SkuFacts:
    code: str
    label: str
    price_amount: Decimal
    weight_grams: int
    available: int | None = None  # None: stock unknown (a draft)
    is_active: bool = True


@dataclass(frozen=True)
class MediaFacts:
    kind: str                   # "image" or "video"
    url: str
    file_format: str = ""       # jpeg, png, webp, gif, …
    size_bytes: int = 0
    width: int = 0
    height: int = 0
    duration_seconds: int = 0
    is_main: bool = False
    verified: bool = False      # read from the file's bytes, not from stored metadata
    readable: bool = True


@dataclass(frozen=True)
class ProductFacts:
    title: str
    description: str = ""
    subtitle: str = ""
    goods_kind: str = "general"
    core_keywords: tuple[str, ...] = ()
    attribute_definitions: tuple[dict, ...] = ()
    attributes: dict = field(default_factory=dict)
    skus: tuple[SkuFacts, ...] = ()
    media: tuple[MediaFacts, ...] = ()


@dataclass(frozen=True)
class Policy:
    min_image_count: int = 3
    max_image_bytes: int = 200 * 1024
    sku_price_ratio: Decimal = Decimal("3.00")
    min_video_seconds: int = 9
    max_video_seconds: int = 30
    max_video_lines: int = 1080
    short_title_share: Decimal = Decimal("0.60")
    channels: tuple[tuple[str, str, int], ...] = (("taobao", "淘宝", 60),)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    field: str
    params: dict = field(default_factory=dict)
    start: int | None = None
    end: int | None = None


def render(finding: Finding) -> tuple[str, str]:
    """The finding's message and suggested fix in the active language."""
    rule = RULES[finding.rule]
    params = finding.params
    if "missing" in params:
        params = {**params, "missing": str(MISSING.get(params["missing"], params["missing"]))}
    try:
        return str(rule.message) % params, str(rule.fix) % params
    except (KeyError, TypeError, ValueError):
        return str(rule.message), str(rule.fix)


def score(findings: list[Finding]) -> int:
    """0–100: 100 minus 25 per blocking finding, 8 per warning and 2 per hint, at least 0."""
    return max(0, 100 - sum(PENALTY[f.severity] for f in findings))


# ---- text: advertising-law wording ---------------------------------------------------

def _promotion_qualified(hit: Hit, text: str) -> bool:
    if hit.term.needs == "price":
        return bool(_PRICE.search(text))
    return bool(_PERIOD.search(text))


def _text_finding(hit: Hit, name: str, text: str) -> Finding | None:
    term = hit.term
    if term.category == "promotion" and _promotion_qualified(hit, text):
        return None
    rule = CATEGORY_RULES.get(term.category, "ad_shop_term")
    params = {"term": hit.written, "listed": term.term, "basis": term.basis,
              "category": term.category}
    if term.category == "promotion":
        params["missing"] = term.needs or "period"  # rendered in the reader's language
    return Finding(rule, term.severity, name, params, hit.start, hit.end)


def text_fields(facts: ProductFacts) -> list[tuple[str, str]]:
    fields = [("title", facts.title), ("subtitle", facts.subtitle),
              ("description", facts.description)]
    fields.extend((f"sku:{sku.code}", sku.label) for sku in facts.skus)
    return [(name, text) for name, text in fields if text]


def check_wording(facts: ProductFacts, lexicons: LexiconSet) -> list[Finding]:
    """Advertising-law terms in title, subtitle, description and SKU names; one finding per
    term and field (the first place it is written; ``count`` says how often)."""
    lexicon = lexicons.for_kind(facts.goods_kind)
    findings: list[Finding] = []
    for name, text in text_fields(facts):
        seen: dict[str, Finding] = {}
        counts: Counter = Counter()
        for hit in lexicon.scan(text):
            counts[hit.term.term] += 1
            if hit.term.term in seen:
                continue
            finding = _text_finding(hit, name, text)
            if finding is not None:
                seen[hit.term.term] = finding
        for term, finding in seen.items():
            finding.params["count"] = counts[term]
            findings.append(finding)
    return findings


# ---- titles ---------------------------------------------------------------------------

def title_bytes(title: str) -> int:
    """Bytes as Taobao counts them: ASCII 1, anything else (Chinese, full-width) 2."""
    return sum(1 if ord(char) < 128 else 2 for char in title)


_WORDLIKE = re.compile(r"^[\w\u4e00-\u9fff]+$")
_NUMBER = re.compile(r"^[\d.]+$")


def segment(title: str) -> list[tuple[str, str]]:
    """(word, part of speech) pairs of the title (rjieba, jieba's dictionary), punctuation dropped."""
    return [(word, flag) for word, flag in rjieba.tag(title)
            if word.strip() and _WORDLIKE.match(word)]


@dataclass(frozen=True)
class TitleAnalysis:
    words: list[str]
    core_words: list[str]
    attribute_words: list[str]
    repeated: dict[str, int]
    bytes: int


def analyse_title(title: str, *, core_keywords: tuple[str, ...] = (),
                  attribute_values: tuple[str, ...] = ()) -> TitleAnalysis:
    """Core product words (the category's keywords found, else the last noun), attribute
    words (adjectives, distinguishing words and the product's attribute values) and words
    said more than once."""
    tagged = segment(title)
    words = [word for word, _flag in tagged]
    core = [k for k in core_keywords if k and k in title]
    if not core:
        nouns = [w for w, flag in tagged if flag.startswith("n") and len(w) > 1 and w not in
                 {"新款", "款式"}]
        core = nouns[-1:]
    # Attribute values are looked up in the title itself: segmentation may cut across them.
    values = [str(v) for v in attribute_values if isinstance(v, str) and v and str(v) in title]
    attribute_words = [w for w, flag in tagged if w not in core and w not in values
                       and flag in {"a", "b", "ad", "an", "z"}]
    attribute_words = [*values, *attribute_words]
    counts = Counter(w for w in words if len(w) > 1 and not _NUMBER.match(w))
    repeated = {w: n for w, n in counts.items() if n > 1}
    return TitleAnalysis(words, core, attribute_words, repeated, title_bytes(title))


# Head characters of product nouns: 休闲裤 is named by a title saying 卫裤, 半身裙 by 百褶裙.
PRODUCT_HEADS = frozenset("裤裙衣衫袄鞋靴帽包袜巾茶酒饼霜乳膏露壳机线套杯壶锅碗盘垫被枕毯灯镜表")


# Form suffixes a title may leave out: 精华液 is named by a title saying 精华.
FORM_SUFFIXES = frozenset("液乳霜露膏油粉片")


def default_core_keywords(category_name: str) -> tuple[str, ...]:
    """The words that name a category's products when the shop has not set them: the
    category name; for a longer name also its head character when that is a product head
    (休闲裤 → 裤), or the name without a form suffix (精华液 → 精华)."""
    name = category_name.strip()
    if len(name) >= 3 and name[-1] in PRODUCT_HEADS:
        return (name, name[-1])
    if len(name) >= 3 and name[-1] in FORM_SUFFIXES:
        return (name, name[:-1])
    return (name,)


def check_title(facts: ProductFacts, policy: Policy) -> list[Finding]:
    title = facts.title
    findings: list[Finding] = []
    size = title_bytes(title)
    for position, (code, name, limit) in enumerate(policy.channels):
        params = {"channel": name, "channel_code": code, "bytes": size, "limit": limit}
        if size > limit:
            findings.append(Finding("title_too_long", BLOCKING, "title", params))
        elif position == 0 and size < policy.short_title_share * limit:
            findings.append(Finding("title_too_short", HINT, "title", params))
    analysis = analyse_title(title, core_keywords=facts.core_keywords)
    for word, count in analysis.repeated.items():
        if count >= 3:
            findings.append(Finding("title_keyword_stuffing", WARNING, "title",
                                    {"word": word, "count": count}))
        else:
            findings.append(Finding("title_repeated_word", HINT, "title",
                                    {"word": word, "count": count}))
    keywords = [k for k in facts.core_keywords if k]
    if keywords and not any(k in title for k in keywords):
        findings.append(Finding("title_core_keyword_missing", WARNING, "title",
                                {"keywords": "、".join(keywords), "example": keywords[0]}))
    return findings


# ---- completeness ---------------------------------------------------------------------

def check_completeness(facts: ProductFacts, policy: Policy) -> list[Finding]:
    findings: list[Finding] = []
    definitions = list(facts.attribute_definitions)
    values = facts.attributes or {}
    empty = [d for d in definitions if values.get(d["code"]) in (None, "")]
    findings.extend(Finding("required_attribute_missing", BLOCKING, f"attributes.{d['code']}",
                            {"name": d["name"]}) for d in empty if d["is_required"])
    share = empty_attribute_share(definitions, values)
    if share > 0.2:
        findings.append(Finding("attributes_incomplete", WARNING, "attributes",
                                {"share": f"{share:.0%}",
                                 "names": "、".join(d["name"] for d in empty)}))
    if not facts.description.strip():
        findings.append(Finding("description_missing", WARNING, "description"))
    images = [m for m in facts.media if m.kind == "image"]
    if len(images) < policy.min_image_count:
        findings.append(Finding("too_few_images", WARNING, "media",
                                {"count": len(images), "minimum": policy.min_image_count}))
    return findings


# ---- SKUs -----------------------------------------------------------------------------

def check_skus(facts: ProductFacts, policy: Policy) -> list[Finding]:
    skus = [sku for sku in facts.skus if sku.is_active]
    if not skus:
        return [Finding("no_active_sku", BLOCKING, "skus")]
    findings = [Finding("sku_weight_missing", WARNING, f"sku:{sku.code}", {"sku": sku.code})
                for sku in skus if sku.weight_grams <= 0]
    priced = [sku for sku in skus if sku.price_amount > 0]
    if len(priced) >= 2:
        median = Decimal(statistics.median([sku.price_amount for sku in priced]))
        ratio = policy.sku_price_ratio
        for sku in priced:
            if sku.price_amount > median * ratio or sku.price_amount * ratio < median:
                findings.append(Finding("sku_price_outlier", WARNING, f"sku:{sku.code}", {
                    "sku": sku.code, "price": str(sku.price_amount),
                    "median": str(median.quantize(Decimal("0.01"))), "ratio": str(ratio)}))
    cheapest_price = min(sku.price_amount for sku in skus)
    cheapest = [sku for sku in skus if sku.price_amount == cheapest_price]
    if all(sku.available is not None and sku.available <= 0 for sku in cheapest):
        sku = cheapest[0]
        findings.append(Finding("cheapest_sku_out_of_stock", WARNING, f"sku:{sku.code}",
                                {"sku": sku.code, "price": str(sku.price_amount)}))
    return findings


# ---- media ----------------------------------------------------------------------------

def _image_findings(image: MediaFacts, policy: Policy) -> list[Finding]:
    name = f"media:{image.url}"
    if not image.readable:
        return [Finding("image_unreadable", BLOCKING, name, {"url": image.url})]
    findings = []
    if image.file_format and image.file_format not in ALLOWED_IMAGE_FORMATS:
        findings.append(Finding("image_format_not_allowed", BLOCKING, name,
                                {"url": image.url, "format": image.file_format.upper()}))
    if image.size_bytes > policy.max_image_bytes:
        findings.append(Finding("image_too_large", WARNING, name, {
            "url": image.url, "kilobytes": round(image.size_bytes / 1024),
            "limit": policy.max_image_bytes // 1024}))
    return findings


def _main_video(media: tuple[MediaFacts, ...]) -> MediaFacts | None:
    videos = [m for m in media if m.kind == "video"]
    return next((v for v in videos if v.is_main), videos[0] if videos else None)


def check_media(facts: ProductFacts, policy: Policy) -> list[Finding]:
    images = [m for m in facts.media if m.kind == "image"]
    findings = [f for image in images for f in _image_findings(image, policy)]
    not_webp = [i for i in images if i.readable and i.file_format in {"jpeg", "png"}]
    if not_webp:
        findings.append(Finding("image_not_webp", HINT, "media", {"count": len(not_webp)}))
    unverified = [i for i in images if not i.verified]
    if unverified:
        findings.append(Finding("image_not_verified", HINT, "media", {"count": len(unverified)}))
    video = _main_video(facts.media)
    if video is not None:
        name = f"media:{video.url}"
        seconds = video.duration_seconds
        if not policy.min_video_seconds <= seconds <= policy.max_video_seconds:
            findings.append(Finding("video_duration_out_of_range", WARNING, name, {
                "seconds": seconds, "minimum": policy.min_video_seconds,
                "maximum": policy.max_video_seconds}))
        lines = min(video.width, video.height) if video.width and video.height else video.height
        if lines > policy.max_video_lines:
            findings.append(Finding("video_resolution_too_high", WARNING, name,
                                    {"lines": lines, "limit": policy.max_video_lines}))
    return findings


def check_product(facts: ProductFacts, lexicons: LexiconSet, policy: Policy) -> list[Finding]:
    """Every check on one product, blocking findings first."""
    findings = [*check_wording(facts, lexicons), *check_title(facts, policy),
                *check_completeness(facts, policy), *check_skus(facts, policy),
                *check_media(facts, policy)]
    order = {BLOCKING: 0, WARNING: 1, HINT: 2}
    return sorted(findings, key=lambda f: order[f.severity])
