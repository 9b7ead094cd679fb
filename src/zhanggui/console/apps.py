from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "zhanggui.console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from zhanggui.console import order_export
        from zhanggui.exports import sources

        # Big order-list exports are written by the exports app's background job.
        sources.register(order_export.ORDER_EXPORT_KIND, order_export.build_order_export)
