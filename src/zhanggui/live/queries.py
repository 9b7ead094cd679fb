"""Reads of live sessions: a session's figures per segment and in total (``rules``), and the
sessions of a period side by side (the live report's rows)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from zhanggui.accounts.models import Staff
from zhanggui.channels.models import Channel
from zhanggui.core.errors import NotFound
from zhanggui.live import rules
from zhanggui.live.models import LiveMetric, LiveReview, LiveSegment, LiveSession, SessionStatus
from zhanggui.live.rules import Conversion, Figures

WITH_FIGURES = (SessionStatus.LIVE, SessionStatus.ENDED, SessionStatus.REVIEWED)


def figures_of(metric: LiveMetric) -> Figures:
    return Figures(viewers=metric.viewers, peak_concurrent=metric.peak_concurrent,
                   avg_watch_seconds=metric.avg_watch_seconds, interactions=metric.interactions,
                   new_followers=metric.new_followers, product_clicks=metric.product_clicks,
                   orders=metric.orders, gmv=metric.gmv_amount)


@dataclass
class SessionFigures:
    session: LiveSession
    total: Conversion
    segments: list[tuple[LiveSegment, Conversion]] = field(default_factory=list)
    issues: list[rules.TimingIssue] = field(default_factory=list)
    kept_per: str = ""  # "minute", "segment" or "" (no figures yet)


def with_plan(queryset: QuerySet | None = None) -> QuerySet:
    """Sessions with their segments and metrics fetched in three queries."""
    queryset = queryset if queryset is not None else LiveSession.objects.all()
    return queryset.select_related("channel", "host").prefetch_related(
        Prefetch("segments", queryset=LiveSegment.objects.select_related(
            "product", "sku", "coupon_template").order_by("position")),
        "metrics")


def session_figures(session: LiveSession) -> SessionFigures:
    """The session's totals and each segment's conversion (see ``rules``). Prefetch with
    ``with_plan`` for many sessions."""
    segments = list(session.segments.all())
    metrics = list(session.metrics.all())
    minute_rows = sorted((m.minute, figures_of(m)) for m in metrics if m.minute is not None)
    segment_rows = {m.segment_id: figures_of(m) for m in metrics if m.minute is None}
    slots = {s.pk: rules.Slot(s.position, s.start_minute, s.minutes) for s in segments}
    if minute_rows:
        total, kept = rules.combine(f for _m, f in minute_rows), "minute"
    else:
        total, kept = rules.combine(segment_rows.values()), "segment" if segment_rows else ""
    return SessionFigures(
        session=session, total=rules.conversion(total, session.gmv_target_amount),
        segments=[(s, rules.conversion(rules.segment_figures(slots[s.pk], minute_rows,
                                                             segment_rows.get(s.pk))))
                  for s in segments],
        issues=rules.timing_issues(list(slots.values()), session.planned_minutes),
        kept_per=kept)


def sessions_between(start: datetime, end: datetime, *, channel: str = "") -> list[SessionFigures]:
    """Sessions that ran (live, ended or reviewed) scheduled in ``[start, end)``, oldest first."""
    queryset = LiveSession.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end,
                                          status__in=WITH_FIGURES).order_by("scheduled_at", "id")
    if channel:
        queryset = queryset.filter(channel__code=channel)
    return [session_figures(s) for s in with_plan(queryset)]


def run_sheet(session: LiveSession) -> list[dict]:
    """The run sheet: each segment with its clock times (from the scheduled start)."""
    start = timezone.localtime(session.scheduled_at)
    return [{"segment": s, "starts": start + timedelta(minutes=s.start_minute),
             "ends": start + timedelta(minutes=s.start_minute + s.minutes)}
            for s in session.segments.select_related("product", "sku", "coupon_template")
            .order_by("position")]


def review_of(session: LiveSession) -> LiveReview | None:
    return LiveReview.objects.filter(session=session).first()


def task_assignees() -> QuerySet:
    """Staff members a review's action may be given to (active, may work on tasks)."""
    return Staff.objects.with_perm("tasks.view_task", is_active=True,
                                    backend="django.contrib.auth.backends.ModelBackend").order_by("username")


def channel_choices() -> list[tuple[str, str]]:
    """The channels sessions ran on, ``(code, name)``."""
    return list(Channel.objects.filter(live_sessions__isnull=False).distinct()
                .order_by("code").values_list("code", "name"))


def get_session(session_id: int) -> LiveSession:
    """Raises: NotFound."""
    try:
        return LiveSession.objects.get(pk=session_id)
    except LiveSession.DoesNotExist:
        raise NotFound() from None


def get_segment(session: LiveSession, segment_id: int) -> LiveSegment:
    """Raises: NotFound (also a segment of another session)."""
    try:
        return session.segments.get(pk=segment_id)
    except LiveSegment.DoesNotExist:
        raise NotFound() from None
