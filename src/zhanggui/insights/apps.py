from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "zhanggui.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from zhanggui.analytics import after_refresh
        from zhanggui.insights.tasks import forecast_after_refresh

        # Analytics cannot call up into insights: it runs the jobs registered here after each
        # warehouse refresh, and the demand forecasts follow in the background.
        after_refresh.register("insights.forecasts", forecast_after_refresh)
