from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "zhanggui.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from zhanggui.analytics import after_refresh
        from zhanggui.insights import tasks_kinds  # noqa: F401  (registers the task kinds)
        from zhanggui.insights.tasks import forecast_after_refresh
        from zhanggui.insights.tasks_basket import basket_after_refresh
        from zhanggui.insights.tasks_briefing import briefing_after_refresh
        from zhanggui.insights.tasks_clv import customer_values_after_refresh
        from zhanggui.insights.tasks_recommend import recommendations_after_refresh

        # Analytics cannot call up into insights: it runs the jobs registered here after each
        # warehouse refresh, and the demand forecasts follow in the background.
        after_refresh.register("insights.forecasts", forecast_after_refresh)
        after_refresh.register("insights.basket", basket_after_refresh)  # rules, once a day
        # After the anomalies' job: yesterday's briefing, if missing (its build runs the
        # anomaly detection of the day first, so the order of the jobs does not matter).
        after_refresh.register("insights.briefing", briefing_after_refresh)
        # Customer value (churn risk, CLV), then the segments that test them again.
        after_refresh.register("insights.customer_values", customer_values_after_refresh)
        # "Bought together" and "for you" (catalog.ProductAffinity, customers.CustomerRecommendation).
        after_refresh.register("insights.recommendations", recommendations_after_refresh)
