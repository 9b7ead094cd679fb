"""What the warehouse copies of customers for segments: each customer's profile (gender,
birthday, region, channel — no name, phone or address), their tags and their membership tier.

- ``customer_profiles``: by ``updated_at`` (every customer action saves the customer). The
  ``customers`` table of ``extract`` keeps its columns: a warehouse built before these columns
  existed refreshes without a rebuild.
- ``customer_tags``: the tag links, re-read whole (adding a tag does not touch the customer's
  ``updated_at``).
- ``memberships``: by ``updated_at`` (a tier change saves the membership).
- ``customer_values``: churn risk and CLV (``customers.CustomerValue``, computed by
  ``insights.clv_run`` after each refresh), re-read whole (they are replaced whole). A
  refresh copies the values of the previous fit; ``insights.clv_run`` re-evaluates the
  segments on them with the values it has just stored (``segment_refresh.refresh_segments_using``).

Imported by ``extract`` at the end of its list; import ``extract``, not this module, to get
``EXTRACTS``.
"""

from zhanggui.analytics.extract import TS, Extract

CUSTOMER_PROFILES = Extract(
    table="customer_profiles", key="customer_id", mode="by_updated_at", watermark="c.updated_at",
    select="""SELECT c.id, c.gender, c.birthday, c.province_code, c.city, c.channel, c.is_guest,
                     c.created_at, c.updated_at
              FROM customers_customer c""",
    columns=(("customer_id", "BIGINT"), ("gender", "VARCHAR"), ("birthday", "DATE"),
             ("province_code", "VARCHAR"), ("city", "VARCHAR"), ("channel", "VARCHAR"),
             ("is_guest", "BOOLEAN"), ("created_at", TS), ("updated_at", TS)),
)
CUSTOMER_TAGS = Extract(
    table="customer_tags", key="customer_tag_id", mode="whole",
    select="""SELECT ct.id, ct.customer_id, t.name
              FROM customers_customer_tags ct JOIN customers_customertag t ON t.id = ct.customertag_id""",
    columns=(("customer_tag_id", "BIGINT"), ("customer_id", "BIGINT"), ("tag", "VARCHAR")),
)
MEMBERSHIPS = Extract(
    table="memberships", key="membership_id", mode="by_updated_at", watermark="m.updated_at",
    select="""SELECT m.id, m.customer_id, t.code, t.rank, m.updated_at
              FROM pricing_customermembership m JOIN pricing_membertier t ON t.id = m.tier_id""",
    columns=(("membership_id", "BIGINT"), ("customer_id", "BIGINT"), ("tier_code", "VARCHAR"),
             ("tier_rank", "INTEGER"), ("updated_at", TS)),
)

CUSTOMER_VALUES = Extract(
    table="customer_values", key="customer_id", mode="whole",
    select="SELECT v.customer_id, v.churn_risk, v.clv FROM customers_customervalue v",
    columns=(("customer_id", "BIGINT"), ("churn_risk", "DECIMAL(7,6)"), ("clv", "DECIMAL(14,2)")),
)

CUSTOMER_EXTRACTS = (CUSTOMER_PROFILES, CUSTOMER_TAGS, MEMBERSHIPS, CUSTOMER_VALUES)
