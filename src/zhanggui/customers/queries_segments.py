"""Reads of segments for the other apps (promotions' eligibility, campaign audiences), the
API and the console. ``customers.queries`` offers the names other apps use."""

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import Segment, SegmentMember, SegmentSize

TREND_POINTS = 30


def segment_codes_of(customer_id: int) -> frozenset[str]:
    """The codes of the segments ``customer_id`` is a member of (as of their last
    evaluation; inactive segments keep their members and count too — an offer naming one
    still applies to its audience)."""
    return frozenset(SegmentMember.objects.filter(customer_id=customer_id)
                     .values_list("segment__code", flat=True))


def segment_member_ids(segment: Segment) -> QuerySet:
    """The ids of the segment's members (a values list of ``customer_id``, for ``__in``)."""
    return SegmentMember.objects.filter(segment=segment).values_list("customer_id", flat=True)


def get_segment(segment_id: int) -> Segment:
    try:
        return Segment.objects.get(pk=segment_id)
    except Segment.DoesNotExist:
        raise NotFound() from None


def get_segment_by_code(code: str) -> Segment:
    try:
        return Segment.objects.get(code=code)
    except Segment.DoesNotExist:
        raise NotFound() from None


def list_segments(*, kind: str | None = None, is_active: bool | None = None) -> QuerySet[Segment]:
    qs = Segment.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("kind", "code")


def size_trend(segment: Segment, points: int = TREND_POINTS) -> list[SegmentSize]:
    """The segment's last ``points`` sizes, oldest first."""
    rows = list(SegmentSize.objects.filter(segment=segment).order_by("-measured_at", "-id")[:points])
    return rows[::-1]


def change_since_last(segment: Segment) -> int | None:
    """Members now minus members at the evaluation before (None before two evaluations)."""
    last_two = list(SegmentSize.objects.filter(segment=segment).order_by("-measured_at", "-id")
                    .values_list("member_count", flat=True)[:2])
    return last_two[0] - last_two[1] if len(last_two) == 2 else None


def list_members(segment: Segment) -> QuerySet[Customer]:
    """The members as customers, by customer number."""
    return Customer.objects.filter(segment_rows__segment=segment).order_by("code")
