from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "zhanggui.suppliers"
    label = "suppliers"
    verbose_name = _("Suppliers and purchasing")

    def ready(self) -> None:
        from zhanggui.suppliers import tasks_kinds  # noqa: F401  (registers the task kinds)
