"""The task kind of live reviews (``zhanggui.tasks``), registered by ``LiveConfig.ready``:
each action written in a session's review becomes one task for the operator (or the staff
member the review names), due within three days."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

LIVE_ACTION = "live_action"

register_kind(TaskKind(code=LIVE_ACTION, label=_("Live review action"), role=Role.OPERATOR,
                       sla_hours=72))
