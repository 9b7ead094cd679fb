from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "zhanggui.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from zhanggui.analytics import exports
        from zhanggui.exports import sources

        # Big report exports are written by the exports app's background job.
        sources.register(exports.REPORT_EXPORT_KIND, exports.build_report_export)
        # What campaigns earned, stored after each refresh (marketing.CampaignResult).
        from zhanggui.analytics import after_refresh, campaign_attribution

        after_refresh.register("analytics.campaign_results",
                               campaign_attribution.campaign_results_after_refresh)

        from zhanggui.analytics import after_refresh, segment_refresh

        # Segments and customer scores are evaluated after each refresh (in the background).
        after_refresh.register("analytics.segments", segment_refresh.after_refresh_job)
