from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "zhanggui.service"
    label = "service"
    verbose_name = _("Customer service")

    def ready(self) -> None:
        from zhanggui.service import tasks_kinds  # noqa: F401  (registers the task kinds)
