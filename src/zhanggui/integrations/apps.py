from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "zhanggui.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from zhanggui.events.signals import events_committed
        from zhanggui.integrations.nudge import on_events_committed

        events_committed.connect(on_events_committed, dispatch_uid="integrations-webhook-nudge")
