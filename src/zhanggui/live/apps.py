from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "zhanggui.live"
    label = "live"
    verbose_name = _("Livestream selling")

    def ready(self) -> None:
        from zhanggui.live import tasks_kinds  # noqa: F401  (registers the task kind)
