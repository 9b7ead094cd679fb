from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfillmentConfig(AppConfig):
    name = "zhanggui.fulfillment"
    verbose_name = _("Fulfillment")

    def ready(self) -> None:
        from zhanggui.fulfillment import (
            dropship_kinds,  # noqa: F401  (and those of drop-shipping)
            tasks_kinds,  # noqa: F401  (registers the task kinds)
        )
