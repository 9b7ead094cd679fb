"""Writes of the daily briefing: store a day's briefing (replacing the one of that day, with
its actions) and mark it e-mailed, each in one transaction that lands in the operation log."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.insights.models import Briefing, BriefingAction


@transaction.atomic
def store_briefing(day: date, *, kpis: list, causes: list, actions: Sequence, actor: Staff | None,
                   note: str = "") -> Briefing:
    """Store the briefing of ``day`` with ``actions`` (ranked candidates, best first), replacing
    the day's earlier briefing and its actions. ``emailed_at`` is kept: a briefing rebuilt
    after it was sent is not sent again."""
    briefing = Briefing.objects.select_for_update().filter(day=day).first()
    before = None
    if briefing is None:
        briefing = Briefing(day=day)
    else:
        before = {"actions": briefing.actions.count(), "generated_at": briefing.generated_at.isoformat()}
        briefing.actions.all().delete()
    briefing.generated_at = timezone.now()
    briefing.kpis, briefing.causes = kpis, causes
    briefing.save()
    BriefingAction.objects.bulk_create([
        BriefingAction(briefing=briefing, rank=rank, kind=c.kind, title=c.title[:200],
                       reason=c.reason, impact_amount=c.impact_amount,
                       impact_formula=c.impact_formula[:300], url=c.url[:300], metric=c.metric,
                       detail=c.detail)
        for rank, c in enumerate(actions, start=1)])
    log_operation(briefing, action="insights.store_briefing", actor=actor, before=before,
                  after={"day": day.isoformat(), "actions": len(actions), "kpis": len(kpis),
                         "causes": len(causes)}, note=note)
    return briefing


@transaction.atomic
def mark_emailed(briefing: Briefing, *, recipients: int) -> bool:
    """Set ``emailed_at`` unless another worker did first; whether this call set it."""
    updated = Briefing.objects.filter(pk=briefing.pk, emailed_at__isnull=True) \
        .update(emailed_at=timezone.now())
    if updated:
        briefing.refresh_from_db(fields=["emailed_at"])
        log_operation(briefing, action="insights.email_briefing", actor=None,
                      after={"recipients": recipients})
    return bool(updated)
