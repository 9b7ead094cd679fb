from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "zhanggui.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from zhanggui.orders import tasks_kinds  # noqa: F401  (registers the task kinds)
