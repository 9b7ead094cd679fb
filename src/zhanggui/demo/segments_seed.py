"""The demo store's segments (人群): ten definitions an operator would keep, created through
``customers.segments.create_segment``. Their members come with the demo's warehouse refresh
(``analytics.segment_refresh`` runs after it), so call ``seed_segments`` before that refresh.
``benchmarks/segments.py`` materialises the same definitions at a million customers."""

from zhanggui.accounts.models import Staff
from zhanggui.customers import segments
from zhanggui.customers.models_segments import Segment, SegmentKind


def _all(*conditions: tuple) -> dict:
    return {"match": "all", "conditions": [
        {"field": field, "op": op, **({} if value is None else {"value": value})}
        for field, op, value in conditions]}


# (code, name, kind, description, definition)
DEFINITIONS = (
    ("dormant", "沉睡客户", SegmentKind.MODEL, "最后一次付款在 181–365 天前：唤醒对象",
     _all(("lifecycle_stage", "eq", "dormant"))),
    ("at-risk", "预流失", SegmentKind.MODEL, "最后一次付款在 91–180 天前：及时挽留",
     _all(("lifecycle_stage", "eq", "at_risk"))),
    ("high-value", "高价值客户", SegmentKind.MODEL, "RFM 重要价值客户：近、频、高",
     _all(("rfm_segment", "eq", "important_value"))),
    ("new-buyers", "新客", SegmentKind.MODEL, "首单在 30 天内",
     _all(("lifecycle_stage", "eq", "new"))),
    ("women-jzh", "江浙沪女性", SegmentKind.RULE, "江苏、浙江、上海的女性顾客",
     _all(("gender", "eq", "female"), ("province_code", "in", ["320000", "330000", "310000"]))),
    ("cart-no-buy-30d", "近30天加购未买", SegmentKind.RULE, "30 天内加购过、30 天内没有付款",
     _all(("carts_30d", "gte", 1), ("last_paid_days_ago", "not_in", list(range(0, 31))))),
    ("birthday-members", "生日月会员", SegmentKind.RULE, "本月生日的会员：生日礼",
     _all(("is_member", "eq", True), ("is_birthday_month", "eq", True))),
    ("big-spenders", "高消费客户", SegmentKind.MODEL, "累计消费 1000 元以上",
     _all(("spending_tier", "in", ["1000", "3000"]))),
    ("repeat-buyers", "近90天复购客户", SegmentKind.RULE, "付款订单 ≥ 2 且 90 天内买过",
     _all(("paid_orders", "gte", 2), ("last_paid_days_ago", "lte", 90))),
    ("lost", "流失客户", SegmentKind.MODEL, "一年多没有付款",
     _all(("lifecycle_stage", "eq", "lost"))),
)


def seed_segments(actor: Staff | None = None) -> int:
    """Create the demo's segments that do not exist yet; returns how many were created."""
    created = 0
    for code, name, kind, description, definition in DEFINITIONS:
        if Segment.objects.filter(code=code).exists():
            continue
        segments.create_segment(code, name=name, kind=kind, description=description,
                                definition=definition, actor=actor)
        created += 1
    return created
