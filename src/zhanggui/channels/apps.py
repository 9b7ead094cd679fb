from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "zhanggui.channels"
    label = "channels"
    verbose_name = _("Sales channels")

    def ready(self) -> None:
        from zhanggui.channels.tasks import on_stock_changed
        from zhanggui.inventory import changes

        # Inventory cannot call up into channels: after each commit that changed stock it
        # calls this with the SKUs, and their channel quantities follow (debounced).
        changes.register("channels.sync", on_stock_changed)
