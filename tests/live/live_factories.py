"""Small helpers of the live tests."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_listed_sku, make_staff
from zhanggui.accounts.roles import Role
from zhanggui.live import actions
from zhanggui.live.models import LiveSession

CSV_HEADER = "分钟,观看人数,在线人数(峰值),平均观看时长,评论/互动次数,新增粉丝,商品点击,成交订单数,成交金额\n"


def planned_session(*, actor=None, segments: int = 2, minutes: int = 10,
                    **fields) -> LiveSession:
    actor = actor or make_staff(Role.OPERATOR)
    session = actions.create_session(
        title=fields.pop("title", "春季新品专场"), actor=actor,
        scheduled_at=fields.pop("scheduled_at", timezone.now() + timedelta(days=1)), **fields)
    for _ in range(segments):
        actions.add_segment(session, product=make_listed_sku().product, minutes=minutes,
                            actor=actor)
    return session


def ended_session(*, actor=None, **fields) -> LiveSession:
    session = planned_session(actor=actor, **fields)
    actions.start_session(session, actor=actor, at=session.scheduled_at)
    return actions.end_session(session, actor=actor)


def metrics_csv(rows: list[tuple]) -> bytes:
    return (CSV_HEADER + "".join(",".join(str(c) for c in row) + "\n" for row in rows)).encode()
