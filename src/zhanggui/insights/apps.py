from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "zhanggui.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from zhanggui.analytics.signals import warehouse_refreshed
        from zhanggui.insights.tasks import forecast_after_refresh

        # Analytics cannot call up into insights: after each warehouse refresh it sends the
        # signal, and the demand forecasts follow in the background.
        warehouse_refreshed.connect(forecast_after_refresh,
                                    dispatch_uid="insights.forecast_after_refresh")
