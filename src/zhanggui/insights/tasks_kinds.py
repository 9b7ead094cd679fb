"""The task kind of anomaly detection (``zhanggui.tasks``), registered by
``InsightsConfig.ready``: ``actions_anomalies`` opens one task per new KPI anomaly, for the
operator (the owner when no operator works), due within a working day."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

KPI_ANOMALY = "kpi_anomaly"

register_kind(TaskKind(
    code=KPI_ANOMALY, label=_("KPI anomaly"), role=Role.OPERATOR, sla_hours=8,
    resolutions=(("cause_handled", _("The cause has been handled")),
                 ("expected", _("Expected (a known event)")))))
