"""The live API. Thin: ``require_perm`` first, then one action or query.

Sessions (list, detail with segments and figures, create, update), segments (add, change,
remove, reorder), status steps (start, end, cancel), metrics (the platform's CSV as a
multipart upload, or one minute's/segment's figures) and the review (actions become tasks).
"""

import json
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.accounts.models import Staff
from zhanggui.catalog.queries import get_product, get_sku
from zhanggui.channels.models import Channel
from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.live import actions, actions_metrics, actions_review, queries
from zhanggui.live.models import LiveSession
from zhanggui.live.rules import Conversion, Figures
from zhanggui.pricing.queries import get_coupon_template

router = Router()


class FiguresOut(Schema):
    viewers: int
    peak_concurrent: int
    avg_watch_seconds: int
    interactions: int
    new_followers: int
    product_clicks: int
    orders: int
    gmv: Decimal
    gpm: Decimal | None = Field(None, description="GMV / viewers × 1000")
    click_to_order_rate: Decimal | None = Field(None, description="orders / product clicks")
    interaction_rate: Decimal | None = None
    follow_rate: Decimal | None = None
    conversion_rate: Decimal | None = None
    target_attainment: Decimal | None = None


def _figures(c: Conversion) -> dict:
    f = c.figures
    return {"viewers": f.viewers, "peak_concurrent": f.peak_concurrent,
            "avg_watch_seconds": f.avg_watch_seconds, "interactions": f.interactions,
            "new_followers": f.new_followers, "product_clicks": f.product_clicks,
            "orders": f.orders, "gmv": f.gmv, "gpm": c.gpm,
            "click_to_order_rate": c.click_to_order_rate, "interaction_rate": c.interaction_rate,
            "follow_rate": c.follow_rate, "conversion_rate": c.conversion_rate,
            "target_attainment": c.target_attainment}


class SessionOut(Schema):
    id: int
    title: str
    channel: str | None
    host_id: int | None
    host_name: str
    scheduled_at: datetime
    planned_minutes: int
    status: str
    script: str
    started_at: datetime | None
    ended_at: datetime | None
    gmv_target_amount: Decimal | None

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None


class LiveSegmentOut(Schema):
    id: int
    position: int
    product_id: int
    sku_id: int | None
    start_minute: int
    minutes: int
    talking_points: str
    flash_price_amount: Decimal | None
    flash_cap: int | None
    coupon_template_id: int | None
    figures: FiguresOut | None = None


class SessionDetailOut(SessionOut):
    segments: list[LiveSegmentOut]
    totals: FiguresOut
    timing_issues: list[dict]

    @staticmethod
    def resolve_segments(obj) -> list[dict]:
        return [{**LiveSegmentOut.from_orm(s).dict(), "figures": _figures(c)}
                for s, c in obj.live_figures.segments]

    @staticmethod
    def resolve_totals(obj) -> dict:
        return _figures(obj.live_figures.total)

    @staticmethod
    def resolve_timing_issues(obj) -> list[dict]:
        return [{"code": i.code, "positions": list(i.positions)}
                for i in obj.live_figures.issues]


class SessionIn(Schema):
    title: str = Field(..., max_length=80)
    scheduled_at: datetime
    channel: str | None = None
    host_id: Id | None = None
    host_name: str = Field("", max_length=40)
    planned_minutes: int = Field(120, ge=1, le=24 * 60)
    script: str = ""
    gmv_target_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class SessionPatch(Schema):
    title: str | None = Field(None, max_length=80)
    scheduled_at: datetime | None = None
    host_name: str | None = Field(None, max_length=40)
    planned_minutes: int | None = Field(None, ge=1, le=24 * 60)
    script: str | None = None
    gmv_target_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class LiveSegmentIn(Schema):
    product_id: Id
    sku_id: Id | None = None
    start_minute: int | None = Field(None, ge=0)
    minutes: int = Field(10, ge=1, le=24 * 60)
    talking_points: str = ""
    flash_price_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    flash_cap: int | None = None
    coupon_template_id: Id | None = None


class OrderIn(Schema):
    segment_ids: list[Id]


class FiguresIn(Schema):
    minute: int | None = Field(None, ge=0)
    segment_id: Id | None = None
    viewers: int = Field(0, ge=0)
    peak_concurrent: int = Field(0, ge=0)
    avg_watch_seconds: int = Field(0, ge=0)
    interactions: int = Field(0, ge=0)
    new_followers: int = Field(0, ge=0)
    product_clicks: int = Field(0, ge=0)
    orders: int = Field(0, ge=0)
    gmv: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)


class ImportOut(Schema):
    rows: int


class ActionIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    assignee_id: Id | None = None


class LiveReviewIn(Schema):
    lessons: str
    summary: str = ""
    actions: list[ActionIn] = []


class ActionOut(Schema):
    id: int
    text: str
    assignee_id: int | None
    task_id: int | None


class LiveReviewOut(Schema):
    session_id: int
    summary: str
    lessons: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.all())


def _detail(session: LiveSession) -> LiveSession:
    """The session as stored, with its figures (``SessionDetailOut`` reads them)."""
    session = queries.with_plan(LiveSession.objects).get(pk=session.pk)
    session.live_figures = queries.session_figures(session)
    return session


def _channel(code: str | None) -> Channel | None:
    if not code:
        return None
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        raise NotFound()
    return channel


def _staff(staff_id: int | None) -> Staff | None:
    if staff_id is None:
        return None
    staff = Staff.objects.filter(pk=staff_id).first()
    if staff is None:
        raise NotFound()
    return staff


@router.get("/sessions", response={200: list[SessionOut], **ERRORS})
@paginate(BoundedPagination)
def list_sessions(request, status: str = ""):
    """Sessions, the latest scheduled first; ``status`` filters (planned, live, ended,
    reviewed, cancelled)."""
    require_perm(request, "live.view_livesession")
    sessions = LiveSession.objects.select_related("channel")
    return sessions.filter(status=status) if status else sessions


@router.get("/sessions/{session_id}", response={200: SessionDetailOut, **ERRORS})
def get_session(request, session_id: Id):
    """A session with its segments (each with its figures and conversion), the totals and the
    run sheet's timing issues (overlap, over_length)."""
    require_perm(request, "live.view_livesession")
    return _detail(queries.get_session(session_id))


@router.post("/sessions", response={201: SessionDetailOut, **ERRORS})
def create_session(request, payload: SessionIn):
    """Plan a session. 422 ``invalid_input`` for a blank title."""
    require_perm(request, "live.add_livesession")
    data = payload.dict()
    session = actions.create_session(
        actor=request.user, channel=_channel(data.pop("channel")),
        host=_staff(data.pop("host_id")), **data)
    return Status(201, _detail(session))


@router.patch("/sessions/{session_id}", response={200: SessionDetailOut, **ERRORS})
def update_session(request, session_id: Id, payload: SessionPatch):
    """Change a planned or running session. 409 ``live_session_not_editable`` after it."""
    require_perm(request, "live.change_livesession")
    session = queries.get_session(session_id)
    changes = payload.dict(exclude_unset=True)
    return _detail(actions.update_session(session, actor=request.user, **changes))


def _segment_values(payload: LiveSegmentIn) -> dict:
    data = payload.dict()
    return {"product": get_product(data.pop("product_id")),
            "sku": get_sku(data.pop("sku_id")) if data["sku_id"] else data.pop("sku_id"),
            "coupon_template": (get_coupon_template(data.pop("coupon_template_id"))
                                if data["coupon_template_id"]
                                else data.pop("coupon_template_id")), **data}


@router.post("/sessions/{session_id}/segments", response={201: SessionDetailOut, **ERRORS})
def add_segment(request, session_id: Id, payload: LiveSegmentIn):
    """Append a segment. 422 ``live_invalid_segment`` when the product is not listed, the
    flash price is not above 0 and below the SKU's price, the cap is below 1 or the coupon is
    not active."""
    require_perm(request, "live.change_livesession")
    session = queries.get_session(session_id)
    actions.add_segment(session, actor=request.user, **_segment_values(payload))
    return Status(201, _detail(session))


@router.put("/sessions/{session_id}/segments/{segment_id}", response={200: SessionDetailOut, **ERRORS})
def update_segment(request, session_id: Id, segment_id: Id, payload: LiveSegmentIn):
    """Replace a segment's plan (its place stays: see ``/order``)."""
    require_perm(request, "live.change_livesession")
    session = queries.get_session(session_id)
    values = _segment_values(payload)
    if values["start_minute"] is None:
        values.pop("start_minute")
    actions.update_segment(queries.get_segment(session, segment_id), actor=request.user, **values)
    return _detail(session)


@router.delete("/sessions/{session_id}/segments/{segment_id}", response={200: SessionDetailOut, **ERRORS})
def remove_segment(request, session_id: Id, segment_id: Id):
    require_perm(request, "live.change_livesession")
    session = queries.get_session(session_id)
    actions.remove_segment(queries.get_segment(session, segment_id), actor=request.user)
    return _detail(session)


@router.post("/sessions/{session_id}/order", response={200: SessionDetailOut, **ERRORS})
def reorder_segments(request, session_id: Id, payload: OrderIn):
    """Put the segments in this order (each segment id once)."""
    require_perm(request, "live.change_livesession")
    session = queries.get_session(session_id)
    actions.reorder_segments(session, payload.segment_ids, actor=request.user)
    return _detail(session)


@router.post("/sessions/{session_id}/start", response={200: SessionDetailOut, **ERRORS})
def start_session(request, session_id: Id):
    """planned → live. 409 ``invalid_transition`` otherwise."""
    require_perm(request, "live.run_session")
    return _detail(actions.start_session(queries.get_session(session_id), actor=request.user))


@router.post("/sessions/{session_id}/end", response={200: SessionDetailOut, **ERRORS})
def end_session(request, session_id: Id):
    """live → ended. 409 ``invalid_transition`` otherwise."""
    require_perm(request, "live.run_session")
    return _detail(actions.end_session(queries.get_session(session_id), actor=request.user))


@router.post("/sessions/{session_id}/cancel", response={200: SessionDetailOut, **ERRORS})
def cancel_session(request, session_id: Id):
    """planned → cancelled. 409 ``invalid_transition`` otherwise."""
    require_perm(request, "live.run_session")
    return _detail(actions.cancel_session(queries.get_session(session_id), actor=request.user))


@router.post("/sessions/{session_id}/metrics/import", response={200: ImportOut, **ERRORS})
def import_metrics(request, session_id: Id):
    """The platform's export (CSV, UTF-8 or GB18030): a multipart upload ``file``, or a JSON
    body ``{"csv": "<the file's text>"}``. All rows or none; it replaces the session's imported
    rows. 422 ``live_invalid_metrics`` lists each bad line in the message."""
    require_perm(request, "live.run_session")
    session = queries.get_session(session_id)
    data = _uploaded(request)
    return {"rows": actions_metrics.import_metrics(session, data, actor=request.user)}


def _uploaded(request) -> bytes:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read()
    try:
        text = json.loads(request.body or b"{}").get("csv")
    except (ValueError, AttributeError):
        text = None
    if not isinstance(text, str):
        raise InvalidInput(gettext("Upload the CSV as the multipart field file."))
    return text.encode()


@router.put("/sessions/{session_id}/metrics", response={200: SessionDetailOut, **ERRORS})
def enter_metrics(request, session_id: Id, payload: FiguresIn):
    """One minute's (``minute``) or one segment's (``segment_id``) figures, entered by hand."""
    require_perm(request, "live.run_session")
    session = queries.get_session(session_id)
    data = payload.dict()
    minute, segment_id = data.pop("minute"), data.pop("segment_id")
    segment = queries.get_segment(session, segment_id) if segment_id else None
    actions_metrics.enter_metrics(session, Figures(**data), minute=minute, segment=segment,
                                  actor=request.user)
    return _detail(session)


@router.put("/sessions/{session_id}/review", response={200: LiveReviewOut, **ERRORS})
def write_review(request, session_id: Id, payload: LiveReviewIn):
    """Write the review of an ended session; each new action opens a ``live_action`` task
    (for ``assignee_id``, else by the task route). 422 ``live_invalid_review``."""
    require_perm(request, "live.review_session")
    session = queries.get_session(session_id)
    review = actions_review.write_review(
        session, lessons=payload.lessons, summary=payload.summary, actor=request.user,
        actions=[(a.text, _staff(a.assignee_id)) for a in payload.actions])
    return review
