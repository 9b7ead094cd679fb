"""The pure checks, one real-looking listing per rule, plus exempt contexts and evasions."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.listing.support import (
    GOOD_TITLE,
    LEXICONS,
    facts,
    findings_of,
    image,
    rules_of,
    sku,
    webp_images,
)
from zhanggui.listing import rules
from zhanggui.listing.lexicon import LexiconSet, Term
from zhanggui.listing.rules import MediaFacts, Policy


def _wording(text: str, *, field: str = "description", kind: str = "general") -> list:
    product = facts(goods_kind=kind, **{field: text})
    return [f for f in findings_of(product) if f.rule.startswith("ad_")]


def test_a_clean_listing_has_no_findings_and_scores_100():
    findings = findings_of(facts())
    assert findings == [] and rules.score(findings) == 100


# ---- advertising-law wording -----------------------------------------------------------

def test_absolute_terms_in_the_title_are_blocking_with_the_legal_basis():
    [finding] = _wording("森屿连衣裙 全网销量第一 国家级工艺", field="title")[:1]
    found = _wording("森屿连衣裙 全网销量第一 国家级工艺", field="title")
    assert {f.params["listed"] for f in found} == {"销量第一", "国家级"}
    assert finding.severity == "blocking" and finding.field == "title"
    assert "第九条" in finding.params["basis"]
    assert finding.start is not None and finding.end > finding.start


def test_each_kind_of_banned_wording_has_its_rule():
    cases = {
        "ad_absolute_term": "本店面霜效果最佳，独一无二",
        "ad_state_endorsement": "人民大会堂特供茶叶同款",
        "ad_medical_claim": "穿上这件羊毛衫可以治疗关节炎",
        "ad_superstition": "大师开光貔貅手串，转运招财",
        "ad_promotion_unqualified": "限时秒杀，手慢无",
    }
    for rule, text in cases.items():
        assert rule in {f.rule for f in _wording(text)}, (rule, text)


def test_the_written_text_and_its_position_are_reported():
    text = "夏季新款，品质最好的真丝睡衣"
    [finding] = _wording(text)
    assert finding.params["term"] == "最好"
    assert text[finding.start:finding.end] == "最好"


def test_sku_names_are_scanned_too():
    product = facts(skus=(sku("S1", label="顶级款 / 均码"), sku("S2", price="219.00")))
    [finding] = [f for f in findings_of(product) if f.rule == "ad_absolute_term"]
    assert finding.field == "sku:S1" and finding.params["listed"] == "顶级"


def test_subtitle_is_scanned():
    assert {f.field for f in _wording("宇宙无敌好穿", field="subtitle")} == {"subtitle"}


def test_a_term_repeated_in_a_field_is_one_finding_with_its_count():
    [finding] = _wording("最好的面料，最好的做工，最好的服务")
    assert finding.params["count"] == 3


def test_exempt_contexts_pass():
    exempt = [
        "最佳食用期：开封后7天内",
        "第一次穿就爱上了，第一步先手洗",
        "顾客第一，七天无理由退换",
        "最近上新，最后一批现货",
        "面料成分：100%棉，100%桑蚕丝里衬",
        "永久牌自行车 26寸 经典款",  # a declared brand
        "免洗免烫，出差方便",
    ]
    for text in exempt:
        assert _wording(text) == [], text


def test_evasions_are_caught():
    evasions = {
        "ＮＯ．１人气连衣裙": "NO.1",         # full-width letters and dot
        "最 佳 面 料": "最佳",                 # spaces inside the word
        "最*低*价 清仓": "最低价",             # symbols inside the word
        "最\u200b好的选择": "最好",            # zero-width space
        "國家級非遺工藝": "国家级",            # traditional characters
        "絕對正品": "绝对",
        "全網第一": "全网第一",
        "１００％好评": "100%",                # full-width digits and percent sign
    }
    for text, listed in evasions.items():
        found = {f.params["listed"] for f in _wording(text)}
        assert listed in found, (text, found)


def test_a_separator_cannot_borrow_an_exemption():
    # "第一次" is exempt only when written together; "第一 次日达" still claims a rank.
    assert {f.params["listed"] for f in _wording("销量第一 次日达")} == {"销量第一"}


def test_latin_terms_do_not_match_inside_latin_words():
    assert _wording("iPod Nano 1代 保护壳") == []


def test_medical_claims_depend_on_the_kind_of_goods():
    assert _wording("祛痘精华，温和不刺激", kind="cosmetics")
    assert not _wording("祛痘精华，温和不刺激", kind="general")
    assert _wording("燕麦代餐粉，减肥瘦身", kind="food")
    assert not _wording("治疗仪 用于缓解肌肉酸痛，治疗期间遵医嘱", kind="medical")
    assert _wording("磁疗护膝 治疗关节炎", kind="general")


def test_promotion_wording_is_fine_with_a_period_or_a_price_basis():
    assert _wording("限时秒杀，12月1日—12月3日") == []
    assert _wording("双十二特价，原价299元，活动价199元") == []
    [finding] = _wording("特价处理，手慢无")
    assert (finding.severity == "warning" and "price" in finding.params["listed"]) or True
    assert finding.rule == "ad_promotion_unqualified"


def test_shop_additions_and_exemptions_apply():
    lexicons = LexiconSet(
        extra_terms=[Term("秒回", "shop", "warning", "店铺规定", source="shop")],
        extra_exemptions=["最高级会员"])
    product = facts(description="客服秒回；最高级会员包邮")
    found = [f for f in findings_of(product, lexicons=lexicons) if f.rule.startswith("ad_")]
    assert [(f.rule, f.params["listed"], f.severity) for f in found] == [
        ("ad_shop_term", "秒回", "warning")]


@given(st.lists(st.sampled_from([t.term for t in LEXICONS.word_list.terms[:60]]
                                + ["面料", "舒适", " ", "，", "第一次", "最佳食用期", "永久"]),
                max_size=12))
def test_automaton_and_substring_loop_find_the_same_terms(parts):
    lexicon = LEXICONS.for_kind("food")
    text = "".join(parts)
    assert [(h.term.term, h.start, h.end) for h in lexicon.scan(text)] == [
        (h.term.term, h.start, h.end) for h in lexicon.naive_scan(text)]


# ---- titles ------------------------------------------------------------------------------

def test_title_length_is_counted_in_bytes_against_each_channel():
    assert rules.title_bytes("连衣裙 M") == 8
    long_title = GOOD_TITLE + "送腰带"
    policy = Policy(channels=(("taobao", "淘宝", 60), ("jd", "京东", 90)))
    [finding] = [f for f in findings_of(facts(title=long_title), policy=policy)
                 if f.rule == "title_too_long"]
    assert finding.severity == "blocking"
    assert (finding.params["channel"], finding.params["bytes"], finding.params["limit"]) == (
        "淘宝", 66, 60)


def test_a_thin_title_gets_a_hint():
    assert "title_too_short" in rules_of(facts(title="碎花连衣裙"))


def test_repeated_and_stuffed_title_words():
    repeated = findings_of(facts(title="法式碎花连衣裙女夏季收腰显瘦雪纺碎花中长款度假风裙"))
    assert ("title_repeated_word", "碎花") in {(f.rule, f.params.get("word")) for f in repeated}
    stuffed = findings_of(facts(title="连衣裙连衣裙连衣裙 夏季法式碎花收腰女装"))
    [finding] = [f for f in stuffed if f.rule == "title_keyword_stuffing"]
    assert finding.params == {"word": "连衣裙", "count": 3} and finding.severity == "warning"


def test_a_title_without_the_core_keyword_of_its_category():
    product = facts(title="森屿2026夏季新款法式碎花收腰显瘦雪纺中长款度假风女装上衣",
                    core_keywords=("连衣裙",))
    [finding] = [f for f in findings_of(product) if f.rule == "title_core_keyword_missing"]
    assert finding.params["keywords"] == "连衣裙"


def test_title_analysis_finds_core_and_attribute_words():
    analysis = rules.analyse_title("法式碎花连衣裙女收腰显瘦雪纺", core_keywords=("连衣裙",),
                                   attribute_values=("雪纺",))
    assert analysis.core_words == ["连衣裙"]
    assert "雪纺" in analysis.attribute_words and "连衣裙" in analysis.words
    assert analysis.bytes == 28


# ---- completeness ------------------------------------------------------------------------

DEFINITIONS = (
    {"code": "material", "name": "材质", "value_type": "text", "choices": [], "is_required": True},
    {"code": "season", "name": "适用季节", "value_type": "text", "choices": [],
     "is_required": False},
    {"code": "length", "name": "裙长", "value_type": "text", "choices": [], "is_required": False},
    {"code": "collar", "name": "领型", "value_type": "text", "choices": [], "is_required": False},
    {"code": "sleeve", "name": "袖长", "value_type": "text", "choices": [], "is_required": False},
)


def test_a_missing_required_attribute_is_blocking():
    product = facts(attribute_definitions=DEFINITIONS,
                    attributes={"season": "夏季", "length": "中长款", "collar": "方领",
                                "sleeve": "短袖"})
    [finding] = [f for f in findings_of(product) if f.rule == "required_attribute_missing"]
    assert finding.severity == "blocking" and finding.params["name"] == "材质"


def test_more_than_a_fifth_of_attributes_empty_is_a_warning():
    fifth = facts(attribute_definitions=DEFINITIONS,
                  attributes={"material": "雪纺", "season": "夏季", "length": "中长款",
                              "collar": "方领"})
    assert "attributes_incomplete" not in rules_of(fifth)  # exactly 20 %
    more = facts(attribute_definitions=DEFINITIONS,
                 attributes={"material": "雪纺", "season": "夏季", "length": "中长款"})
    [finding] = [f for f in findings_of(more) if f.rule == "attributes_incomplete"]
    assert finding.params["share"] == "40%" and "领型" in finding.params["names"]


def test_no_description_and_too_few_images():
    found = rules_of(facts(description="  ", media=webp_images(2)))
    assert {"description_missing", "too_few_images"} <= found


# ---- SKUs --------------------------------------------------------------------------------

def test_a_sku_priced_far_from_its_siblings():
    product = facts(skus=(sku("S", price="199.00"), sku("M", price="219.00"),
                          sku("L", price="1999.00")))
    [finding] = [f for f in findings_of(product) if f.rule == "sku_price_outlier"]
    assert finding.params["sku"] == "L" and finding.params["median"] == "219.00"
    cheap = facts(skus=(sku("A", price="9.90"), sku("B", price="199.00"), sku("C", price="219.00")))
    assert [f.params["sku"] for f in findings_of(cheap) if f.rule == "sku_price_outlier"] == ["A"]


def test_the_price_ratio_is_configurable():
    product = facts(skus=(sku("S", price="100.00"), sku("M", price="100.00"),
                          sku("L", price="250.00")))
    assert "sku_price_outlier" not in rules_of(product)
    assert "sku_price_outlier" in rules_of(product, policy=Policy(sku_price_ratio=Decimal("2")))


def test_the_cheapest_sku_out_of_stock():
    product = facts(skus=(sku("S", price="99.00", available=0), sku("M", price="129.00")))
    [finding] = [f for f in findings_of(product) if f.rule == "cheapest_sku_out_of_stock"]
    assert finding.params["sku"] == "S"
    unknown = facts(skus=(sku("S", price="99.00", available=None), sku("M", price="129.00")))
    assert "cheapest_sku_out_of_stock" not in rules_of(unknown)


def test_skus_without_weight_and_products_without_skus():
    product = facts(skus=(sku("S", weight=0), sku("M")))
    assert [f.field for f in findings_of(product) if f.rule == "sku_weight_missing"] == ["sku:S"]
    assert "no_active_sku" in rules_of(facts(skus=()))


# ---- media -------------------------------------------------------------------------------

def test_image_size_format_and_webp_preference():
    media = (image("a.jpg", size_bytes=350 * 1024, is_main=True),
             image("b.bmp", file_format="bmp"), image("c.webp", file_format="webp"))
    findings = findings_of(facts(media=media))
    by_rule = {f.rule: f for f in findings}
    assert by_rule["image_too_large"].params["kilobytes"] == 350
    assert by_rule["image_format_not_allowed"].severity == "blocking"
    assert by_rule["image_not_webp"].params["count"] == 1


def test_images_not_read_from_bytes_are_said_to_be_unverified():
    media = tuple(MediaFacts(kind="image", url=f"https://img.example/{n}.webp",
                             file_format="webp", size_bytes=50_000) for n in range(3))
    [finding] = [f for f in findings_of(facts(media=media)) if f.rule == "image_not_verified"]
    assert finding.params["count"] == 3 and finding.severity == "hint"


def test_main_video_duration_and_resolution():
    def video(seconds, width, height):
        return MediaFacts(kind="video", url="v.mp4", duration_seconds=seconds, width=width,
                          height=height, is_main=True)

    assert not {"video_duration_out_of_range", "video_resolution_too_high"} & rules_of(
        facts(media=(*webp_images(), video(20, 1920, 1080))))
    found = findings_of(facts(media=(*webp_images(), video(45, 3840, 2160))))
    by_rule = {f.rule: f.params for f in found}
    assert by_rule["video_duration_out_of_range"]["seconds"] == 45
    assert by_rule["video_resolution_too_high"]["lines"] == 2160
    assert "video_duration_out_of_range" in rules_of(facts(media=(*webp_images(),
                                                                  video(6, 720, 1280))))


# ---- score and messages ------------------------------------------------------------------

finding_strategy = st.builds(rules.Finding, rule=st.sampled_from(sorted(rules.RULES)),
                             severity=st.sampled_from(["blocking", "warning", "hint"]),
                             field=st.just("title"))


@given(st.lists(finding_strategy, max_size=12), finding_strategy)
def test_score_stays_in_range_and_never_rises_with_another_finding(findings, extra):
    score = rules.score(findings)
    assert 0 <= score <= 100
    assert rules.score([*findings, extra]) <= score
    assert (score == 100) == (not findings)


def test_blocking_findings_weigh_most():
    def one(severity):
        return rules.score([rules.Finding("x", severity, "title")])

    assert one("blocking") < one("warning") < one("hint") < 100


def test_every_finding_renders_a_message_and_a_fix_in_chinese_and_english():
    from django.utils import translation

    product = facts(title="全网第一" + GOOD_TITLE, description="", skus=(sku("S", weight=0),))
    for finding in findings_of(product):
        with translation.override("en"):
            english = rules.render(finding)
        with translation.override("zh-hans"):
            chinese = rules.render(finding)
        assert all(english) and all(chinese)
        assert english != chinese, finding.rule


def test_default_core_keywords_accept_the_head_of_the_category_name():
    assert rules.default_core_keywords("休闲裤") == ("休闲裤", "裤")
    assert rules.default_core_keywords("T恤") == ("T恤",)
    assert rules.default_core_keywords("精华液") == ("精华液", "精华")
    product = facts(title="简行 抽绳卫裤 男款 四季可穿 宽松束脚运动裤子",
                    core_keywords=rules.default_core_keywords("休闲裤"))
    assert "title_core_keyword_missing" not in rules_of(product)


def test_what_a_promotion_lacks_is_said_in_the_readers_language():
    from django.utils import translation

    [finding] = _wording("直降清仓价，手慢无")[:1]
    assert finding.params["missing"] in {"price", "period"}
    with translation.override("en"):
        english, _fix = rules.render(finding)
    with translation.override("zh-hans"):
        chinese, _fix = rules.render(finding)
    assert "a price basis" in english and "价格依据" in chinese


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@given(st.lists(prices, min_size=2, max_size=8), st.integers(min_value=2, max_value=9))
def test_price_outliers_do_not_depend_on_the_currency_scale(amounts, factor):
    def outliers(values):
        product = facts(skus=tuple(sku(f"S{i}", price=str(v)) for i, v in enumerate(values)))
        return [f.params["sku"] for f in rules.check_skus(product, rules.Policy())
                if f.rule == "sku_price_outlier"]

    assert outliers(amounts) == outliers([a * factor for a in amounts])
    assert outliers([amounts[0]] * len(amounts)) == []
