from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "zhanggui.pricing"
    verbose_name = _("Pricing")

    def ready(self) -> None:
        from zhanggui.catalog.actions import use_price_engine
        from zhanggui.pricing.actions import set_sku_price

        use_price_engine(set_sku_price)  # a person's price edit keeps history, writes events
