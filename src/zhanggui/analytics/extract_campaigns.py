"""What the warehouse copies of the campaigns: the campaigns, their recipients, the messages
sent for them (times and cost, never the text or the address), the discounts each order
took from an offer (to count a campaign coupon's discount), and the contact policy (its
attribution window), which the derived tables of ``campaign_tables`` read.

Modes, as ``extract``'s (``extract.EXTRACTS`` lists these after its own), and why:

- ``campaigns``: re-read whole — a few hundred rows, and a draft may be deleted.
- ``campaign_recipients``: re-read whole. A recipient's status changes (to send → sent,
  skipped, failed) and the table has no ``updated_at``; one row per customer per campaign
  stays small next to orders and events.
- ``campaign_messages``: by ``sent_at``, used as the watermark, and only messages sent. A
  message is queued, then sent (or fails, or is cancelled); only a sent one is a touch, and
  once sent it does not change again. By id would miss the change from queued to sent; whole
  would re-read every message of every campaign at each refresh (the outbox is the biggest
  marketing table). A message enters the warehouse when it is sent and is re-read only
  inside the watermark's overlap (merged by id, as every ``by_updated_at`` table).
- ``offer_usages``: append-only (one row per order and offer, written when the order is
  placed), by id.
- ``contact_policy``: one row (or none: the defaults), re-read whole.
"""

from zhanggui.analytics.extract import MONEY, TS, Extract

CAMPAIGNS = Extract(
    table="campaigns", key="campaign_id", mode="whole",
    select="""SELECT c.id, c.code, c.name, c.goal, c.status, c.starts_at, c.ends_at,
                     c.budget_amount, c.fixed_cost_amount, c.coupon_template_id, c.promotion_id,
                     c.sent_at
              FROM marketing_campaign c""",
    columns=(("campaign_id", "BIGINT"), ("code", "VARCHAR"), ("name", "VARCHAR"),
             ("goal", "VARCHAR"), ("status", "VARCHAR"), ("starts_at", TS), ("ends_at", TS),
             ("budget_amount", MONEY), ("fixed_cost_amount", MONEY),
             ("coupon_template_id", "BIGINT"), ("promotion_id", "BIGINT"), ("sent_at", TS)),
)
CAMPAIGN_RECIPIENTS = Extract(
    table="campaign_recipients", key="recipient_id", mode="whole",
    select="""SELECT r.id, r.campaign_id, r.customer_id, r.arm, r.status, r.reached_at,
                     r.coupon_id
              FROM marketing_recipient r""",
    columns=(("recipient_id", "BIGINT"), ("campaign_id", "BIGINT"), ("customer_id", "BIGINT"),
             ("arm", "VARCHAR"), ("status", "VARCHAR"), ("reached_at", TS),
             ("coupon_id", "BIGINT")),
)
# Only campaign messages that were sent: the condition sits in the join (the refresh adds
# its own WHERE). ``sent_at`` is read twice: once as a time, once as the watermark.
CAMPAIGN_MESSAGES = Extract(
    table="campaign_messages", key="message_id", mode="by_updated_at", watermark="m.sent_at",
    select="""SELECT m.id, m.campaign_id, m.recipient_id, m.customer_id, m.channel, m.status,
                     m.sent_at, m.cost_amount, m.sent_at
              FROM marketing_message m
              JOIN marketing_campaign c ON c.id = m.campaign_id AND m.status = 'sent'
                   AND m.sent_at IS NOT NULL""",
    columns=(("message_id", "BIGINT"), ("campaign_id", "BIGINT"), ("recipient_id", "BIGINT"),
             ("customer_id", "BIGINT"), ("channel", "VARCHAR"), ("status", "VARCHAR"),
             ("sent_at", TS), ("cost_amount", MONEY), ("updated_at", TS)),
)
OFFER_USAGES = Extract(
    table="offer_usages", key="offer_usage_id", mode="by_id", watermark="u.id",
    select="""SELECT u.id, u.promotion_id, u.coupon_template_id, u.customer_id,
                     u.order_reference, u.discount_amount, u.used_at
              FROM pricing_offerusage u""",
    columns=(("offer_usage_id", "BIGINT"), ("promotion_id", "BIGINT"),
             ("coupon_template_id", "BIGINT"), ("customer_id", "BIGINT"),
             ("order_reference", "VARCHAR"), ("discount_amount", MONEY), ("used_at", TS)),
)
CONTACT_POLICY = Extract(
    table="contact_policy", key="policy_id", mode="whole",
    select="SELECT p.id, p.attribution_days FROM marketing_contactpolicy p",
    columns=(("policy_id", "BIGINT"), ("attribution_days", "INTEGER")),
)

CAMPAIGN_EXTRACTS = (CAMPAIGNS, CAMPAIGN_RECIPIENTS, CAMPAIGN_MESSAGES, OFFER_USAGES,
                     CONTACT_POLICY)
