"""Page-matrix rows of operations intelligence (issue 17): the daily briefing and the metric
glossary, the KPI anomalies, the basket analysis and a promotion's simulation."""

from tests.console.page_kinds import REPORTS_READ, Page, _pk, model_pages, roles

_BRIEFING = roles("operator", "finance", "analyst")
_INSIGHTS = roles("operator", "analyst")

PAGES: dict[str, Page] = {
    "admin:insights_briefing_latest": Page(_BRIEFING),
    "admin:insights_briefing_list": Page(_BRIEFING),
    "admin:insights_briefing_day": Page(_BRIEFING, lambda store: {"day": "2026-05-20"}),
    "admin:insights_briefing_rebuild": Page(roles(), post_only=True),
    "admin:analytics_metric_glossary": Page(REPORTS_READ),
    **model_pages("insights.anomaly", _INSIGHTS),
    "admin:insights_basket": Page(_INSIGHTS),
    "admin:insights_basket_mine": Page(_INSIGHTS, post_only=True),
    "admin:pricing_promotion_simulate_one": Page(roles("operator"), _pk("pricing.promotion")),
}
