"""The demo's livestream sessions (直播): an evening session on Douyin every week for the
past 406 days (so the live report's same period last year has sessions too, at the smaller
audience of a shop growing about 35 % a year), each with three product segments, per-minute
figures imported from a platform-style CSV and a review (the two latest with a follow-up
action, which opens a ``live_action`` task), and one session planned for tomorrow at 20:00.

Figures come from a random stream of their own (``random.Random(SEED)``), so the other demo
figures do not move; products are the first listed products with an active SKU, by id.
Everything is written through ``live.actions`` (logged), the figures through the same CSV
import the console offers, each step at its moment on the demo's clock (``simulated_now``).
"""

import random
from datetime import timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import ListingStatus, Product
from zhanggui.channels.models import Channel
from zhanggui.demo.context import Clock
from zhanggui.demo.live_setup import simulated_now
from zhanggui.live import actions, actions_metrics, actions_review
from zhanggui.live.models import LiveSession

SEED = 1804
PAST_SESSIONS, DAYS_APART = 58, 7
YEARLY_GROWTH = 1.35  # the audience a year ago was 1 / 1.35 of today's
SEGMENTS, SEGMENT_MINUTES = 3, 30
HEADER = "分钟,观看人数,在线人数(峰值),平均观看时长,评论/互动次数,新增粉丝,商品点击,成交订单数,成交金额\n"
TITLES = ("秋冬上新专场", "会员日福利场", "爆款返场", "新品试穿直播", "周末清仓场", "品牌日专场",
          "粉丝答谢场")
LESSONS = ("开场十分钟留人不足，福袋要提前预告。", "第二个品讲解太长，节奏拖沓。",
           "秒杀库存偏少，三分钟售罄，可加量。", "互动率高但转化低，需要更清楚的价格锚点。")
ACTIONS = ("下场开场前 5 分钟发福袋预告", "秒杀库存从 50 件提高到 80 件")
SCRIPT = ("开场：自我介绍 + 福袋预告\n"
          "每个品：痛点 → 卖点 → 试穿/试用 → 价格锚点 → 限时优惠\n"
          "结尾：下场预告、关注引导")


def _products(count: int) -> list[Product]:
    return list(Product.objects.filter(status=ListingStatus.LISTED, skus__is_active=True)
                .distinct().order_by("id")[:count])


def _plan(clock: Clock, actor: Staff | None, title: str, starts, products, channel,
          rng: random.Random) -> LiveSession:
    session = actions.create_session(
        title=title, scheduled_at=starts, actor=actor, channel=channel, host=actor,
        planned_minutes=SEGMENTS * SEGMENT_MINUTES, script=SCRIPT,
        gmv_target_amount=Decimal(rng.choice((8000, 10000, 12000))))
    for index, product in enumerate(products):
        sku = product.skus.filter(is_active=True).order_by("id").first()
        flash = (sku.price_amount * Decimal("0.8")).quantize(Decimal("0.01")) if index == 0 else None
        actions.add_segment(session, product=product, sku=sku, actor=actor,
                            minutes=SEGMENT_MINUTES,
                            talking_points=f"{product.title}：面料/做工、上身效果、售后保障",
                            flash_price_amount=flash if flash and flash > 0 else None,
                            flash_cap=50 if flash and flash > 0 else None)
    return session


def _metrics_csv(rng: random.Random, session: LiveSession, days_ago: int) -> bytes:
    rows = []
    strength = rng.uniform(0.6, 1.4) / YEARLY_GROWTH ** (days_ago / 365)
    prices = [s.flash_price_amount or (s.sku.price_amount if s.sku else Decimal(99))
              for s in session.segments.select_related("sku").order_by("position")]
    for minute in range(session.planned_minutes):
        segment = min(minute // SEGMENT_MINUTES, len(prices) - 1)
        viewers = int(rng.randint(60, 160) * strength)
        clicks = int(viewers * rng.uniform(0.08, 0.2))
        orders = int(clicks * rng.uniform(0.05, 0.25) * (1.4 if segment == 0 else 1))
        rows.append(f"{minute},{viewers},{int(viewers * rng.uniform(1.5, 3))},"
                    f"{rng.randint(40, 120)},{int(viewers * rng.uniform(0.05, 0.2))},"
                    f"{int(viewers * rng.uniform(0.005, 0.03))},{clicks},{orders},"
                    f"{prices[segment] * orders}\n")
    return (HEADER + "".join(rows)).encode()


def seed_live(clock: Clock, staff: dict[str, Staff]) -> dict[str, int]:
    """The sessions; returns what it wrote."""
    actor = staff.get("operator") or staff.get("owner")
    products = _products(SEGMENTS * 3)
    if len(products) < SEGMENTS:
        return {"sessions": 0}
    rng = random.Random(SEED)
    channel = Channel.objects.filter(code="douyin").first()
    counts = {"sessions": 0, "metric rows": 0, "reviews": 0}
    for n in range(PAST_SESSIONS, 0, -1):
        starts = clock.at(clock.today - timedelta(days=n * DAYS_APART), 20)
        chosen = [products[(n + i) % len(products)] for i in range(SEGMENTS)]
        with simulated_now(starts - timedelta(days=3)):  # planned a few days before
            session = _plan(clock, actor, TITLES[n % len(TITLES)], starts, chosen, channel, rng)
        ends = starts + timedelta(minutes=session.planned_minutes)
        with simulated_now(ends):
            actions.start_session(session, actor=actor, at=starts)
            counts["metric rows"] += actions_metrics.import_metrics(
                session, _metrics_csv(rng, session, n * DAYS_APART), actor=actor)
            actions.end_session(session, actor=actor, at=ends)
        with simulated_now(ends + timedelta(hours=1)):  # the review after the session
            actions_review.write_review(
                session, actor=actor, summary="", lessons=LESSONS[n % len(LESSONS)],
                actions=[(ACTIONS[n - 1], None)] if n <= len(ACTIONS) else [])
        counts["sessions"] += 1
        counts["reviews"] += 1
    with simulated_now(clock.now):
        tomorrow = clock.at(clock.today + timedelta(days=1), 20)
        _plan(clock, actor, "明晚 20:00 新品首发", tomorrow, products[:SEGMENTS], channel, rng)
    counts["sessions"] += 1
    return counts
