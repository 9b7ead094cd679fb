"""A small live store for the live report, with figures computed by hand (docs/live.md,
"Live report"): week 2026-11-01 – 2026-11-08 (shop-local).

- A 周五晚场 on Douyin, 2026-11-03 20:00, target ¥1000, host 主播小美 (staff), per minute:
  segment 1 minutes 0–1, segment 2 minutes 2–3.
  minute rows (viewers, peak, watch s, interactions, followers, clicks, orders, GMV):
  0: 100, 80, 60, 10, 2, 20, 2, 200.00   1: 50, 90, 30, 5, 1, 10, 1, 99.00
  2: 30, 40, 45, 6, 0, 6, 3, 450.00      3: 20, 30, 20, 0, 0, 4, 0, 0.00
  → viewers 200, peak 90, watch 9250/200 = 46.25 → 46, interactions 21, followers 3,
    clicks 40, orders 6, GMV 749.00, GPM 3745.00, conversion 0.03, interaction 0.105,
    click-to-order 0.15, vs target 0.749.
  segment 1: viewers 150, GMV 299.00, GPM 1993.33; segment 2: viewers 50, GMV 450.00, GPM 9000.00.
- B 周日午场, no channel, outside host 阿强, 2026-11-05 12:00, no target, per segment:
  segment 1: 400, 120, 50, 40, 10, 80, 8, 1600.00 (GPM 4000.00);
  segment 2: 100, 60, 100, 10, 0, 0, 0, 0.00 (GPM 0.00)
  → viewers 500, peak 120, watch 60, interactions 50, followers 10, clicks 80, orders 8,
    GMV 1600.00, GPM 3200.00.
- Period totals: viewers 700, peak 120, watch (46×200 + 60×500)/700 = 56, interactions 71,
  followers 13, clicks 120, orders 14, GMV 2349.00, GPM 3355.71, conversion 0.02,
  vs target 749 / 1000 (only A has a target).
- Not in the report: a planned session in the week, an ended session the week before.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.channels.channels_factories import make_channel
from tests.factories import make_listed_sku, make_staff
from tests.live.live_factories import metrics_csv
from zhanggui.accounts.roles import Role
from zhanggui.analytics import warehouse
from zhanggui.live import actions, actions_metrics
from zhanggui.live.rules import Figures

SHANGHAI = ZoneInfo("Asia/Shanghai")
A_MINUTES = [(0, 100, 80, 60, 10, 2, 20, 2, "200.00"), (1, 50, 90, 30, 5, 1, 10, 1, "99.00"),
             (2, 30, 40, 45, 6, 0, 6, 3, "450.00"), (3, 20, 30, 20, 0, 0, 4, 0, "0.00")]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def _session(title: str, when: datetime, actor, segments: list[tuple[int, int]], **fields):
    session = actions.create_session(title=title, scheduled_at=when, actor=actor, **fields)
    for start, minutes in segments:
        actions.add_segment(session, product=make_listed_sku().product, start_minute=start,
                            minutes=minutes, actor=actor)
    return session


def _ran(session, actor):
    actions.start_session(session, actor=actor, at=session.scheduled_at)
    return session


def build_live(refresh: bool = True) -> dict:
    actor = make_staff(Role.OPERATOR)
    host = make_staff(Role.OPERATOR)
    host.display_name = "主播小美"
    host.save(update_fields=["display_name"])
    douyin = make_channel("douyin", name="抖音小店")
    a = _ran(_session("周五晚场", at(3, 20), actor, [(0, 2), (2, 2)], channel=douyin, host=host,
                      gmv_target_amount=Decimal("1000.00")), actor)
    actions_metrics.import_metrics(a, metrics_csv(A_MINUTES), actor=actor)
    actions.end_session(a, actor=actor)
    b = _ran(_session("周日午场", at(5, 12), actor, [(0, 30), (30, 30)], host_name="阿强"), actor)
    first, second = b.segments.order_by("position")
    actions_metrics.enter_metrics(b, Figures(400, 120, 50, 40, 10, 80, 8, Decimal("1600.00")),
                                  segment=first, actor=actor)
    actions_metrics.enter_metrics(b, Figures(100, 60, 100, 10, 0, 0, 0, Decimal("0.00")),
                                  segment=second, actor=actor)
    actions.end_session(b, actor=actor)
    planned = _session("计划中", at(6, 20), actor, [(0, 10)])
    before = _ran(_session("上周场", datetime(2026, 10, 30, 20, tzinfo=SHANGHAI), actor,
                           [(0, 10)]), actor)
    actions_metrics.import_metrics(before, metrics_csv([(0, 10, 5, 5, 1, 0, 1, 1, "50.00")]),
                                   actor=actor)
    if refresh:
        warehouse.refresh()
    return {"a": a, "b": b, "planned": planned, "before": before, "actor": actor}
