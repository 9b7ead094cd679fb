"""Writes of a live session's figures: the platform export imported (``rules_metrics``), or
one minute's or one segment's figures entered by hand."""

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.accounts.rules import json_value
from zhanggui.core.errors import InvalidInput
from zhanggui.inventory.rules_feed import decode_feed
from zhanggui.live import rules_metrics
from zhanggui.live.actions import touch
from zhanggui.live.errors import InvalidMetrics, SessionNotEditable
from zhanggui.live.models import LiveMetric, LiveSegment, LiveSession, MetricSource, SessionStatus
from zhanggui.live.queries import figures_of
from zhanggui.live.rules import Figures

WITH_FIGURES = (SessionStatus.LIVE, SessionStatus.ENDED, SessionStatus.REVIEWED)
MAX_FILE_BYTES = 5 * 1024 * 1024


def _running_or_over(session: LiveSession) -> LiveSession:
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in WITH_FIGURES:
        raise SessionNotEditable(status=session.get_status_display())
    touch(session)  # its figures are about to change (the warehouse re-reads them with it)
    return session


def _start(session: LiveSession):
    return timezone.localtime(session.started_at or session.scheduled_at)


def _metric(session: LiveSession, figures: Figures, *, minute=None, segment=None,
            source=MetricSource.MANUAL) -> LiveMetric:
    values = asdict(figures)
    return LiveMetric(session=session, minute=minute, segment=segment, source=source,
                      gmv_amount=values.pop("gmv"), **values)


@transaction.atomic
def import_metrics(session: LiveSession, data: bytes, *, actor: Staff | None) -> int:
    """Import the platform's export (UTF-8 or GB18030 CSV): all rows or none. A re-import
    replaces the session's imported rows (and entered rows of the same minutes or segments).
    Returns the number of rows stored.

    Raises:
        SessionNotEditable: the session has not started or was cancelled.
        InvalidMetrics: with each bad line's message; nothing was changed.
    """
    session = _running_or_over(session)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidMetrics([_g("the file is larger than 5 MB")])
    segments = {s.position: s for s in session.segments.all()}
    try:
        rows = rules_metrics.parse_metrics_csv(decode_feed(data), start=_start(session),
                                               positions=set(segments))
    except rules_metrics.MetricsFileError as exc:
        raise InvalidMetrics(exc.errors) from None
    minutes = [r.minute for r in rows if r.minute is not None]
    segment_ids = [segments[r.segment_position].pk for r in rows if r.segment_position is not None]
    replaced = (session.metrics.filter(source=MetricSource.IMPORT).delete()[0]
                + session.metrics.filter(minute__in=minutes).delete()[0]
                + session.metrics.filter(minute__isnull=True, segment_id__in=segment_ids)
                .delete()[0])
    LiveMetric.objects.bulk_create([
        _metric(session, r.figures, minute=r.minute, source=MetricSource.IMPORT,
                segment=segments[r.segment_position] if r.segment_position is not None else None)
        for r in rows])
    log_operation(session, action="live.import_metrics", actor=actor,
                  before={"rows_replaced": replaced}, after={"rows": len(rows)})
    return len(rows)


@transaction.atomic
def enter_metrics(session: LiveSession, figures: Figures, *, actor: Staff | None,
                  minute: int | None = None, segment: LiveSegment | None = None) -> LiveMetric:
    """Enter (or correct) one minute's or one segment's figures by hand.

    Raises:
        SessionNotEditable: the session has not started or was cancelled.
        InvalidInput: neither or both of minute and segment, a segment of another session,
            or a negative figure.
    """
    session = _running_or_over(session)
    if (minute is None) == (segment is None):
        raise InvalidInput(_g("Give either a minute or a segment."))
    if segment is not None and segment.session_id != session.pk:
        raise InvalidInput(_g("The segment belongs to another session."))
    if (minute is not None and minute < 0) or any(
            v < 0 for v in asdict(figures).values()):
        raise InvalidInput(_g("Figures cannot be negative."))
    if minute is not None:
        existing = session.metrics.filter(minute=minute).first()
    else:
        existing = session.metrics.filter(minute__isnull=True, segment=segment).first()
    before = None
    if existing is not None:
        before = json_value({**asdict(figures_of(existing)), "source": existing.source})
        existing.delete()
    metric = _metric(session, figures, minute=minute, segment=segment)
    metric.save()
    log_operation(metric, action="live.enter_metrics", actor=actor, before=before,
                  after=json_value(asdict(figures)))
    return metric

