"""The campaigns' part of the metric registry (``metrics`` adds these to ``SOURCES`` and
``METRICS``): what campaigns earned (attributed orders, GMV, gross profit) and cost, and
GLOSSARY ``campaign_conversion_rate``, ``roi`` (as ``campaign_roi``: the registry's ``roi`` is
the shop's GMV over its ad spend) and ``gross_profit_roi``.

One source: ``campaign_arm_results`` (``campaign_tables``), the campaigns (not drafts) that
start in the period, each with everything attributed to it so far whatever the day of the
order. Grouped by ``campaign_id`` and/or ``arm``; summed, the arms give the campaign.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

SOURCES = [
    Source("campaign_results", """
        SELECT p.label AS period, x.*, c.code, c.status, c.starts_at
        FROM campaign_arm_results x JOIN campaigns c USING (campaign_id)
        JOIN periods p ON c.starts_at >= p.start_at AND c.starts_at < p.end_at
        WHERE c.status <> 'draft' {span}""", dimensions=("campaign_id", "arm"),
           span_column="c.starts_at"),
]


def _money(column: str) -> str:
    return f"CAST(coalesce(sum({column}), 0) AS DECIMAL(14, 2))"


METRICS = [
    _m("campaign_recipients", _("Recipients"), "customers chosen for the campaigns", "count",
       "campaign_results", "coalesce(sum(recipients), 0)",
       notes=_("Holdout recipients included; campaigns that start in the period.")),
    _m("campaign_reached", _("Recipients reached"), "recipients sent at least one message",
       "count", "campaign_results", "coalesce(sum(reached), 0)"),
    _m("campaign_converted", _("Recipients who bought"),
       "recipients with ≥ 1 attributed paid order", "count", "campaign_results",
       "coalesce(sum(converted), 0)"),
    _m("campaign_orders", _("Attributed orders"),
       "paid orders attributed to the campaigns (last touch within the attribution window)",
       "count", "campaign_results", "coalesce(sum(orders), 0)",
       notes=_("An order paid within the contact policy's attribution window (7 days by "
               "default) after a campaign message sent to its buyer belongs to the campaign of "
               "the last such message. Holdout recipients are never messaged, so never "
               "attributed. Orders cancelled never count.")),
    _m("campaign_gmv", _("Attributed GMV"), "Σ paid amount of the attributed orders", "money",
       "campaign_results", _money("gmv"), notes=_("Refunds not subtracted, as GMV.")),
    _m("campaign_gross_profit", _("Attributed gross profit"),
       "Σ (paid − refunded − cost of the goods kept) of the attributed orders", "money",
       "campaign_results", _money("gross_profit"),
       notes=_("Cost of goods from the order lines' cost snapshots, for the units not "
               "returned.")),
    _m("campaign_discounts", _("Discounts given"),
       "Σ discount of the campaign's coupon (and promotion) on the attributed orders", "money",
       "campaign_results", _money("discounts")),
    _m("campaign_message_cost", _("Message cost"), "Σ cost of the campaign messages sent",
       "money", "campaign_results", _money("message_cost")),
    _m("campaign_fixed_cost", _("Fixed cost"), "Σ fixed cost of the campaigns", "money",
       "campaign_results", _money("fixed_cost"),
       notes=_("Per arm: a share by the recipients reached.")),
    _m("campaign_cost", _("Campaign cost"),
       "Σ message cost + fixed cost + discounts given", "money", "campaign_results",
       _money("cost")),
    # Derived.
    _m("campaign_conversion_rate", _("Campaign conversion rate"),
       "recipients with an attributed paid order / recipients reached", "rate",
       numerator="campaign_converted", denominator="campaign_reached"),
    _m("campaign_roi", _("Campaign ROI (投入产出比)"), "gmv attributed / spend", "number",
       numerator="campaign_gmv", denominator="campaign_cost",
       notes=_("GLOSSARY roi for a campaign: attributed GMV / campaign cost (messages + fixed "
               "cost + discounts given); 1:2.5 means 2.5.")),
    _m("gross_profit_roi", _("Gross profit ROI"), "attributed gross profit / spend", "number",
       numerator="campaign_gross_profit", denominator="campaign_cost",
       notes=_("Beside ROI, which is GMV-based.")),
]
