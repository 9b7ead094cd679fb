"""The tables the warehouse refresh derives for campaign attribution (``rollups.DERIVED`` adds
them after the service ones). Plain data here (name → inputs, label, SQL), as
``supply_tables``; ``campaign_attribution`` reads them (the results written to
``marketing.CampaignResult``, the outcomes of A/B tests) and so does the campaigns report.

Definitions (docs/analytics-service-campaigns.md):

- A *touch* is a campaign message sent (``campaign_messages``) to a customer who is not in
  the campaign's holdout; it covers payments from its ``sent_at`` until ``attribution_days``
  later (``ContactPolicy``, default 7).
- *Attribution, last touch*: an order paid (not cancelled) is the campaign's whose touch of
  the buyer came last before the payment, within its window. One order, one campaign at most.
- An order's *gross profit* = paid amount − refunded amount (so far) − cost of the goods kept
  (Σ (quantity − returned quantity) × the line's unit cost snapshot): GLOSSARY
  ``gross_margin``'s net sales − cost of goods sold, for one order. Its GMV is its paid
  amount (GLOSSARY ``gmv``: refunds not subtracted). A refund after the payment leaves the
  order attributed (it was paid) and lowers its gross profit; an order cancelled after payment
  counts for nothing, as everywhere in the reports.
- *Discounts given*: the discount the campaign's own offer (its coupon template and, if it
  names one, its promotion) gave on its attributed orders (``offer_usages``).
- *Cost* = Σ cost of its messages sent + its fixed cost + the discounts given. Per arm of an
  A/B test: the arm's messages and discounts, and a share of the fixed cost by the arm's
  recipients reached (by its recipients while nobody is reached); a holdout arm reaches
  nobody and so costs nothing.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.marketing.models_campaigns import ContactPolicy

# ``orders.actions.reservation_reference``: the reference an order's offer usages carry.
ORDER_REFERENCE_PREFIX = "order:"
DEFAULT_ATTRIBUTION_DAYS = int(ContactPolicy._meta.get_field("attribution_days").default)
WINDOW_DAYS_SQL = (f"(SELECT coalesce(max(attribution_days), {DEFAULT_ATTRIBUTION_DAYS}) "
                   f"FROM contact_policy)")

# Paid (not cancelled) orders with their cost of goods and gross profit.
ORDER_PROFITS_SQL = """
    WITH goods AS (
        SELECT order_id,
               sum((quantity - coalesce(returned_quantity, 0)) * coalesce(unit_cost, 0)) AS cogs
        FROM order_lines GROUP BY order_id
    )
    SELECT o.order_id, o.number, o.customer_id, o.paid_at, o.paid_amount,
           coalesce(o.refunded_amount, 0) AS refunded_amount,
           CAST(coalesce(g.cogs, 0) AS DECIMAL(14, 2)) AS cogs,
           CAST(o.paid_amount - coalesce(o.refunded_amount, 0) - coalesce(g.cogs, 0)
                AS DECIMAL(14, 2)) AS gross_profit
    FROM orders o LEFT JOIN goods g USING (order_id)
    WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled'
    ORDER BY o.paid_at, o.order_id"""

# Campaign messages sent, each with the recipient's arm and the end of its window; messages to
# a holdout recipient (there should be none) never touch.
CAMPAIGN_TOUCHES_SQL = f"""
    SELECT m.message_id, m.campaign_id, m.customer_id, m.channel, m.sent_at, m.cost_amount,
           coalesce(r.arm, '') AS arm,
           m.sent_at + to_days(CAST({WINDOW_DAYS_SQL} AS INTEGER)) AS window_end
    FROM campaign_messages m
    LEFT JOIN campaign_recipients r ON r.campaign_id = m.campaign_id AND r.customer_id = m.customer_id
    WHERE m.status = 'sent' AND m.sent_at IS NOT NULL AND coalesce(r.status, '') <> 'held_out'
    ORDER BY m.sent_at, m.message_id"""

# Each paid order attributed to the campaign of its buyer's last touch before the payment
# (ties: the later message), with its discounts from that campaign's offer.
CAMPAIGN_ORDERS_SQL = f"""
    WITH attributed AS (
        SELECT o.*, t.campaign_id, t.arm, t.message_id, t.sent_at AS touched_at
        FROM order_profits o JOIN campaign_touches t ON t.customer_id = o.customer_id
             AND t.sent_at <= o.paid_at AND o.paid_at < t.window_end
        QUALIFY row_number() OVER (PARTITION BY o.order_id
                                   ORDER BY t.sent_at DESC, t.message_id DESC) = 1
    ), discounts AS (
        SELECT a.order_id, sum(u.discount_amount) AS discount_amount
        FROM attributed a JOIN campaigns c USING (campaign_id)
        JOIN offer_usages u ON u.order_reference = '{ORDER_REFERENCE_PREFIX}' || a.number
             AND (u.coupon_template_id = c.coupon_template_id OR u.promotion_id = c.promotion_id)
        GROUP BY a.order_id
    )
    SELECT a.*, CAST(coalesce(d.discount_amount, 0) AS DECIMAL(14, 2)) AS discount_amount,
           row_number() OVER (PARTITION BY a.campaign_id, a.customer_id
                              ORDER BY a.paid_at, a.order_id) = 1 AS is_first_for_recipient
    FROM attributed a LEFT JOIN discounts d USING (order_id)
    ORDER BY a.paid_at, a.order_id"""

# What each arm of each campaign earned and cost ('' is the arm of a campaign without arms);
# the whole campaign is the sum of its arms.
CAMPAIGN_ARM_RESULTS_SQL = """
    WITH arms AS (
        SELECT campaign_id, arm, count(*) AS recipients,
               count(*) FILTER (WHERE status = 'sent') AS reached
        FROM campaign_recipients GROUP BY ALL
    ), totals AS (
        SELECT campaign_id, sum(recipients) AS recipients, sum(reached) AS reached
        FROM arms GROUP BY campaign_id
    ), every_arm AS (
        SELECT c.campaign_id, coalesce(a.arm, '') AS arm, coalesce(a.recipients, 0) AS recipients,
               coalesce(a.reached, 0) AS reached,
               c.fixed_cost_amount * CASE WHEN a.arm IS NULL THEN 1.0
                                          WHEN t.reached > 0 THEN a.reached / t.reached
                                          ELSE a.recipients / t.recipients END AS fixed_cost
        FROM campaigns c LEFT JOIN arms a USING (campaign_id) LEFT JOIN totals t USING (campaign_id)
    ), sales AS (
        SELECT campaign_id, arm, count(*) FILTER (WHERE is_first_for_recipient) AS converted,
               count(*) AS orders, sum(paid_amount) AS gmv, sum(gross_profit) AS gross_profit,
               sum(discount_amount) AS discounts
        FROM campaign_orders GROUP BY ALL
    ), messages AS (
        SELECT campaign_id, arm, sum(cost_amount) AS message_cost, count(*) AS messages
        FROM campaign_touches GROUP BY ALL
    )
    SELECT e.campaign_id, e.arm, e.recipients, e.reached, coalesce(s.converted, 0) AS converted,
           coalesce(s.orders, 0) AS orders, coalesce(m.messages, 0) AS messages,
           CAST(coalesce(s.gmv, 0) AS DECIMAL(18, 4)) AS gmv,
           CAST(coalesce(s.gross_profit, 0) AS DECIMAL(18, 4)) AS gross_profit,
           CAST(coalesce(s.discounts, 0) AS DECIMAL(18, 4)) AS discounts,
           CAST(coalesce(m.message_cost, 0) AS DECIMAL(18, 4)) AS message_cost,
           CAST(e.fixed_cost AS DECIMAL(18, 4)) AS fixed_cost,
           CAST(coalesce(m.message_cost, 0) + coalesce(s.discounts, 0) AS DECIMAL(18, 4))
               + CAST(e.fixed_cost AS DECIMAL(18, 4)) AS cost
    FROM every_arm e LEFT JOIN sales s USING (campaign_id, arm)
    LEFT JOIN messages m USING (campaign_id, arm)
    ORDER BY e.campaign_id, e.arm"""

# One row per recipient for A/B tests: orders paid (not cancelled) within the window after
# the recipient's touch, whatever other campaign touched them (every arm is measured the same
# way). The touch: when the recipient was reached (its first message sent); for everyone
# else — holdout, skipped, failed, still to send — the campaign's send time.
RECIPIENT_OUTCOMES_SQL = f"""
    WITH firsts AS (
        SELECT campaign_id, customer_id, min(sent_at) AS first_sent_at
        FROM campaign_messages WHERE status = 'sent' GROUP BY ALL
    ), touched AS (
        SELECT r.recipient_id, r.campaign_id, r.customer_id, r.arm, r.status,
               CASE WHEN r.status = 'sent' THEN coalesce(r.reached_at, f.first_sent_at, c.sent_at)
                    ELSE c.sent_at END AS touched_at
        FROM campaign_recipients r JOIN campaigns c USING (campaign_id)
        LEFT JOIN firsts f USING (campaign_id, customer_id)
    )
    SELECT t.recipient_id, t.campaign_id, t.customer_id, t.arm, t.status, t.touched_at,
           count(o.order_id) AS orders,
           CAST(coalesce(sum(o.paid_amount), 0) AS DECIMAL(14, 2)) AS revenue,
           CAST(coalesce(sum(o.gross_profit), 0) AS DECIMAL(14, 2)) AS gross_profit
    FROM touched t LEFT JOIN order_profits o ON o.customer_id = t.customer_id
         AND o.paid_at >= t.touched_at
         AND o.paid_at < t.touched_at + to_days(CAST({WINDOW_DAYS_SQL} AS INTEGER))
    GROUP BY ALL
    ORDER BY t.campaign_id, t.recipient_id"""

_CAMPAIGN_INPUTS = {"campaign_messages", "campaign_recipients", "contact_policy"}
# name → (inputs, label, SQL), in order: a table may read one above it.
DERIVED = {
    "order_profits": ({"orders", "order_lines"},
                      _("Paid orders with their cost of goods and gross profit"), ORDER_PROFITS_SQL),
    "campaign_touches": (_CAMPAIGN_INPUTS,
                         _("Campaign messages sent, each with its arm and attribution window"),
                         CAMPAIGN_TOUCHES_SQL),
    "campaign_orders": ({"order_profits", "campaign_touches", "campaigns", "offer_usages"},
                        _("Paid orders attributed to a campaign (last touch within the window)"),
                        CAMPAIGN_ORDERS_SQL),
    "campaign_arm_results": ({"campaigns", "campaign_recipients", "campaign_orders",
                              "campaign_touches"},
                             _("What each campaign and arm earned and cost"),
                             CAMPAIGN_ARM_RESULTS_SQL),
    "recipient_outcomes": ({"campaigns", "campaign_recipients", "campaign_messages",
                            "order_profits", "contact_policy"},
                           _("Each recipient's orders within the window after the touch"),
                           RECIPIENT_OUTCOMES_SQL),
}
