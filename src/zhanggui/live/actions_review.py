"""The review of a live session: the summary, the lessons, and the actions, each opened as a
task (kind ``live_action``) for the staff member named, else by the kind's route."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _g

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.live.errors import InvalidReview
from zhanggui.live.models import LiveAction, LiveReview, LiveSession, SessionStatus
from zhanggui.live.tasks_kinds import LIVE_ACTION
from zhanggui.tasks.actions import assign_task, open_task

REVIEW_FIELDS = ("summary", "lessons")
REVIEWABLE = (SessionStatus.ENDED, SessionStatus.REVIEWED)


@transaction.atomic
def write_review(session: LiveSession, *, lessons: str, actor: Staff, summary: str = "",
                 actions: Sequence[tuple[str, Staff | None]] = ()) -> LiveReview:
    """Write (or rewrite) the review of an ended session; it becomes ``reviewed``. Each new
    action ``(text, assignee or None)`` opens a task; actions written before stay.

    Raises:
        InvalidReview: the session has not ended, no lessons, an
            empty action, or an assignee who may not work on tasks.
    """
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in REVIEWABLE:
        raise InvalidReview(reason=_g("only an ended session can be reviewed"))
    if not (lessons or "").strip():
        raise InvalidReview(reason=_g("write the lessons learned"))
    for text, assignee in actions:
        if not (text or "").strip():
            raise InvalidReview(reason=_g("an action needs a text"))
        if assignee is not None and not (assignee.is_active
                                         and assignee.has_perm("tasks.view_task")):
            raise InvalidReview(reason=_g("%(staff)s cannot be given tasks") % {"staff": assignee})
    review = LiveReview.objects.filter(session=session).first()
    before = snapshot(review, REVIEW_FIELDS) if review else None
    if review is None:
        review = LiveReview(session=session)
    review.summary, review.lessons, review.reviewed_by = summary.strip(), lessons.strip(), actor
    review.save()
    log_operation(review, action="live.write_review", actor=actor, before=before,
                  after=snapshot(review, REVIEW_FIELDS))
    for text, assignee in actions:
        _add_action(review, text.strip(), assignee, actor)
    if session.status != SessionStatus.REVIEWED:
        session.status = SessionStatus.REVIEWED
        session.save(update_fields=["status", "updated_at"])
        log_operation(session, action="live.reviewed", actor=actor,
                      before={"status": SessionStatus.ENDED},
                      after={"status": SessionStatus.REVIEWED})
    return review


def _add_action(review: LiveReview, text: str, assignee: Staff | None, actor: Staff) -> LiveAction:
    action = LiveAction.objects.create(review=review, text=text[:200], assignee=assignee)
    task = open_task(LIVE_ACTION, subject=action, title=text,
                     detail=_g("From the review of %(session)s") % {"session": review.session},
                     actor=actor)
    if assignee is not None and task.assignee_id != assignee.pk:
        task = assign_task(task, assignee=assignee, actor=actor)
    action.task = task
    action.save(update_fields=["task"])
    log_operation(action, action="live.add_action", actor=actor,
                  after={"text": text, "assignee": assignee.pk if assignee else None,
                         "task": task.pk})
    return action
