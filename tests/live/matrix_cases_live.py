"""Setups of the permission matrix's rows for live sessions (``/api/v1/live/...``): a planned
session with two segments, or one that ran (live or ended)."""

from tests.api.case import Case
from tests.factories import make_listed_sku
from tests.live.live_factories import ended_session, metrics_csv, planned_session
from zhanggui.live import actions
from zhanggui.live.models import LiveSession, SessionStatus
from zhanggui.tasks.models import Task


def list_() -> Case:
    planned_session()
    return Case(check=lambda data, staff: data["count"] == 1)


def detail() -> Case:
    session = planned_session()
    return Case(path={"session_id": session.pk},
                check=lambda data, staff: len(data["segments"]) == 2)


def create() -> Case:
    return Case(body={"title": "新品专场", "scheduled_at": "2026-12-24T20:00:00+08:00",
                      "planned_minutes": 90},
                check=lambda data, staff: LiveSession.objects.get(pk=data["id"]).title == "新品专场")


def update() -> Case:
    session = planned_session()
    return Case(path={"session_id": session.pk}, body={"planned_minutes": 45},
                check=lambda data, staff: data["planned_minutes"] == 45)


def add_segment() -> Case:
    session = planned_session(segments=1)
    sku = make_listed_sku(price="99.00")
    return Case(path={"session_id": session.pk},
                body={"product_id": sku.product_id, "sku_id": sku.pk, "minutes": 15,
                      "flash_price_amount": "79.00", "flash_cap": 20},
                check=lambda data, staff: session.segments.count() == 2)


def _segment_case(body=None, check=None) -> Case:
    session = planned_session()
    segment = session.segments.order_by("position").first()
    return Case(path={"session_id": session.pk, "segment_id": segment.pk},
                body=body if body is None else body(segment), check=check(session, segment))


def update_segment() -> Case:
    return _segment_case(lambda s: {"product_id": s.product_id, "minutes": 30},
                         lambda session, s: lambda data, staff: data["segments"][0]["minutes"] == 30)


def remove_segment() -> Case:
    return _segment_case(check=lambda session, s: lambda data, staff:
                         session.segments.count() == 1)


def reorder() -> Case:
    session = planned_session()
    order = list(session.segments.order_by("-position").values_list("pk", flat=True))
    return Case(path={"session_id": session.pk}, body={"segment_ids": order},
                check=lambda data, staff: [s["id"] for s in data["segments"]] == order)


def start() -> Case:
    session = planned_session()
    return Case(path={"session_id": session.pk},
                check=lambda data, staff: data["status"] == SessionStatus.LIVE)


def end() -> Case:
    session = planned_session()
    actions.start_session(session, actor=None)
    return Case(path={"session_id": session.pk},
                check=lambda data, staff: data["status"] == SessionStatus.ENDED)


def cancel() -> Case:
    session = planned_session()
    return Case(path={"session_id": session.pk},
                check=lambda data, staff: data["status"] == SessionStatus.CANCELLED)


def import_metrics() -> Case:
    session = ended_session()
    text = metrics_csv([(m, 100, 50, 60, 5, 1, 10, 1, "99.00") for m in range(3)]).decode()
    return Case(path={"session_id": session.pk}, body={"csv": text},
                check=lambda data, staff: data["rows"] == 3 and session.metrics.count() == 3)


def enter_metrics() -> Case:
    session = ended_session()
    return Case(path={"session_id": session.pk},
                body={"minute": 0, "viewers": 1000, "orders": 5, "gmv": "500.00"},
                check=lambda data, staff: data["totals"]["gpm"] == "500.00")


def review() -> Case:
    session = ended_session()
    return Case(path={"session_id": session.pk},
                body={"lessons": "节奏太慢", "actions": [{"text": "缩短开场"}]},
                check=lambda data, staff: len(data["actions"]) == 1
                and Task.objects.filter(kind="live_action").count() == 1)
