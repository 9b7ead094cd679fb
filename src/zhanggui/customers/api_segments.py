"""Segments API (人群): list, fields, get with its size trend, create, change, deactivate,
members (paged, personal data masked as everywhere).

Thin: ``require_perm`` first, then one action or query. Members are computed by the
warehouse after each refresh (``analytics.segment_refresh``); the preview of a draft
definition runs in the warehouse, so it is ``analytics.api_segments``'s (same prefix).
Mounted at ``/api/v1/customers/segments``.
"""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Presented
from zhanggui.customers import queries, queries_segments, segment_fields, segments
from zhanggui.customers.api import CustomerOut
from zhanggui.customers.models_segments import Segment, SegmentKind

router = Router()


class Condition(Schema):
    field: str = Field(max_length=40)
    op: str = Field(max_length=20)
    value: Any = None


class Definition(Schema):
    match: Literal["all", "any"] = "all"
    conditions: list[Condition] = Field(min_length=1, max_length=30)


class SizeOut(Schema):
    measured_at: datetime
    member_count: int
    joined: int
    left: int


class SegmentOut(Schema):
    id: int
    code: str
    name: str
    description: str
    kind: SegmentKind
    definition: dict
    is_active: bool
    member_count: int
    evaluated_at: datetime | None
    change: int | None = Field(description="members now minus at the evaluation before")


class SegmentDetailOut(SegmentOut):
    trend: list[SizeOut] = Field(description="the last 30 evaluations, oldest first")


class SegmentIn(Schema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", max_length=2000)
    kind: Literal["rule", "model"] = "rule"
    definition: Definition


class SegmentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    description: str | None = Field(None, max_length=2000)
    definition: Definition | None = None
    is_active: bool | None = None


class SegmentFilter(Schema):
    kind: SegmentKind | None = None
    is_active: bool | None = None


class FieldOut(Schema):
    name: str
    label: str
    type: str
    group: str
    operators: list[str]
    help: str
    choices: list[dict]


def _out(segment: Segment, *, trend: bool = False) -> dict:
    data = {name: getattr(segment, name) for name in (
        "id", "code", "name", "description", "kind", "definition", "is_active", "member_count",
        "evaluated_at")}
    data["change"] = queries_segments.change_since_last(segment)
    if trend:
        data["trend"] = queries_segments.size_trend(segment)
    return data


@router.get("", response={200: list[SegmentOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_segments(request, filters: Query[SegmentFilter]):
    require_perm(request, "customers.view_segment")
    return Presented(queries_segments.list_segments(**filters.model_dump()), _out)


@router.get("/fields", response={200: list[FieldOut], **ERRORS})
def list_fields(request):
    """The fields a definition may test, with their operators and choices."""
    require_perm(request, "customers.view_segment")
    return segment_fields.catalogue()


@router.get("/{segment_id}", response={200: SegmentDetailOut, **ERRORS})
def get_segment(request, segment_id: Id):
    require_perm(request, "customers.view_segment")
    return _out(queries_segments.get_segment(segment_id), trend=True)


@router.post("", response={201: SegmentDetailOut, **ERRORS})
def create_segment(request, payload: SegmentIn):
    require_perm(request, "customers.add_segment")
    segment = segments.create_segment(payload.code, name=payload.name, description=payload.description,
                                      kind=payload.kind, definition=payload.definition.model_dump(),
                                      actor=request.user)
    return Status(201, _out(segment, trend=True))


@router.patch("/{segment_id}", response={200: SegmentDetailOut, **ERRORS})
def update_segment(request, segment_id: Id, payload: SegmentPatch):
    """Change what is given; a new definition takes effect at the next evaluation."""
    require_perm(request, "customers.change_segment")
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("definition") is None:
        changes.pop("definition", None)
    segment = segments.update_segment(queries_segments.get_segment(segment_id), actor=request.user,
                                      **{k: v for k, v in changes.items() if v is not None})
    return _out(segment, trend=True)


@router.post("/{segment_id}/deactivate", response={200: SegmentDetailOut, **ERRORS})
def deactivate_segment(request, segment_id: Id):
    """Stop evaluating it; its members stay as of its last evaluation."""
    require_perm(request, "customers.change_segment")
    return _out(segments.deactivate_segment(queries_segments.get_segment(segment_id),
                                            actor=request.user), trend=True)


@router.get("/{segment_id}/members", response={200: list[CustomerOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_members(request, segment_id: Id):
    """The members by customer number; names, phones and e-mails masked unless you may see
    personal data."""
    require_perm(request, "customers.view_segmentmember", "customers.view_customer")
    members = queries_segments.list_members(queries_segments.get_segment(segment_id))
    return Presented(members.prefetch_related("tags"),
                     lambda customer: queries.present_customer(customer, request.user))
