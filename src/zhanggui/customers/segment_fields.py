"""The fields a segment definition may test, with their type and the operators each allows.

One catalogue for the three places a definition is read: validation and the Python
evaluation (``segment_rules``), the DuckDB compilation (``analytics.segment_sql``) and the
per-customer feature table the warehouse computes (``analytics.customer_features``, one
column per field, same name). Values missing for a customer (no birthday, no paid order)
are ``None``; ``docs/segments.md`` says how each operator treats them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhanggui.core.regions import PROVINCES
from zhanggui.customers.models import Gender
from zhanggui.customers.models_segments import LifecycleStage

# Types of field, and what each may be tested with.
STRING, CHOICE, INTEGER, DECIMAL, BOOLEAN, TAGS = "string", "choice", "integer", "decimal", "boolean", "tags"
SET_OPS = ("is_set", "is_not_set")
OPERATORS = {
    STRING: ("eq", "ne", "in", "not_in", *SET_OPS),
    CHOICE: ("eq", "ne", "in", "not_in", *SET_OPS),
    INTEGER: ("eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", *SET_OPS),
    DECIMAL: ("eq", "ne", "gt", "gte", "lt", "lte", "between", *SET_OPS),
    BOOLEAN: ("eq", "ne"),
    TAGS: ("contains_any", "contains_all", "contains_none", *SET_OPS),
}
OPERATOR_LABELS = {
    "eq": _("is"), "ne": _("is not"), "in": _("is one of"), "not_in": _("is none of"),
    "gt": _("greater than"), "gte": _("at least"), "lt": _("less than"), "lte": _("at most"),
    "between": _("between (inclusive)"), "contains_any": _("has any of"),
    "contains_all": _("has all of"), "contains_none": _("has none of"),
    "is_set": _("is known"), "is_not_set": _("is unknown"),
}

# The classic eight RFM segments (analytics.rules.RFM_SEGMENTS computes them; a test keeps
# the two lists equal — customers cannot import analytics).
RFM_SEGMENTS = (
    ("important_value", _("Important value")),
    ("important_development", _("Important development")),
    ("important_retention", _("Important retention")),
    ("important_winback", _("Important win-back")),
    ("general_value", _("General value")),
    ("general_development", _("General development")),
    ("general_retention", _("General retention")),
    ("general_winback", _("General win-back")),
)
# Spending tiers by all-time paid amount: the code is the tier's lower bound in yuan
# (analytics.rules.SPENDING_TIERS; a test keeps them equal).
SPENDING_TIERS = (
    ("0", _("under ¥100")), ("100", _("¥100 to ¥300")), ("300", _("¥300 to ¥1,000")),
    ("1000", _("¥1,000 to ¥3,000")), ("3000", _("¥3,000 and more")),
)
LIFECYCLE_DAYS = {"new": 30, "active": 90, "at_risk": 180, "dormant": 365}


@dataclass(frozen=True)
class SegmentField:
    name: str
    label: object
    type: str
    group: object
    choices: tuple[tuple[str, object], ...] = ()
    help: object = ""
    percent: bool = False  # a fraction in definitions, shown as a percentage

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.type]

    @property
    def choice_codes(self) -> frozenset[str]:
        return frozenset(code for code, _label in self.choices)


ATTRIBUTES, ORDERS, BEHAVIOUR, MODEL = _("Attributes"), _("Order history"), _("Behaviour"), _("Model scores")
_GENDERS = tuple((code, label) for code, label in Gender.choices if code)
_PROVINCES = tuple((p.code, p.name) for p in PROVINCES)

FIELDS: dict[str, SegmentField] = {f.name: f for f in (
    SegmentField("gender", _("gender"), CHOICE, ATTRIBUTES, _GENDERS),
    SegmentField("age", _("age"), INTEGER, ATTRIBUTES, help=_("whole years, from the birthday")),
    SegmentField("birthday_month", _("birthday month"), INTEGER, ATTRIBUTES),
    SegmentField("is_birthday_month", _("birthday this month"), BOOLEAN, ATTRIBUTES),
    SegmentField("province_code", _("province"), CHOICE, ATTRIBUTES, _PROVINCES),
    SegmentField("city", _("city"), STRING, ATTRIBUTES),
    SegmentField("channel", _("channel"), STRING, ATTRIBUTES),
    SegmentField("registered_days_ago", _("days since registration"), INTEGER, ATTRIBUTES),
    SegmentField("tags", _("tags"), TAGS, ATTRIBUTES),
    SegmentField("is_member", _("member"), BOOLEAN, ATTRIBUTES),
    SegmentField("member_tier", _("member tier"), STRING, ATTRIBUTES, help=_("the tier's code")),
    SegmentField("paid_orders", _("paid orders"), INTEGER, ORDERS),
    SegmentField("total_spent", _("total spent"), DECIMAL, ORDERS,
                 help=_("paid amount of all paid orders (GMV), refunds not subtracted")),
    SegmentField("average_order_value", _("average order value"), DECIMAL, ORDERS),
    SegmentField("first_paid_days_ago", _("days since the first paid order"), INTEGER, ORDERS),
    SegmentField("last_paid_days_ago", _("days since the last paid order"), INTEGER, ORDERS),
    SegmentField("refund_count", _("refunds"), INTEGER, ORDERS),
    SegmentField("views_30d", _("product views, last 30 days"), INTEGER, BEHAVIOUR),
    SegmentField("carts_30d", _("add-to-carts, last 30 days"), INTEGER, BEHAVIOUR),
    SegmentField("searches_30d", _("searches, last 30 days"), INTEGER, BEHAVIOUR),
    SegmentField("last_visit_days_ago", _("days since the last visit"), INTEGER, BEHAVIOUR),
    SegmentField("rfm_segment", _("RFM segment"), CHOICE, MODEL, RFM_SEGMENTS),
    SegmentField("lifecycle_stage", _("lifecycle stage"), CHOICE, MODEL,
                 tuple(LifecycleStage.choices)),
    SegmentField("spending_tier", _("spending tier"), CHOICE, MODEL, SPENDING_TIERS),
    SegmentField("churn_risk", _("churn risk"), DECIMAL, MODEL, percent=True,
                 help=_("a fraction from 0 to 1 (0.8 = 80 %): 1 − the probability the customer "
                        "still buys (BG/NBD); unknown until the customer-value fit scores them")),
    SegmentField("clv", _("customer lifetime value"), DECIMAL, MODEL,
                 help=_("expected spend over the value horizon, in yuan (BG/NBD × Gamma-Gamma)")),
)}


def catalogue() -> list[dict]:
    """The fields as plain data (API and console): name, label, type, group, operators,
    choices, and whether the value is a fraction shown as a percentage."""
    return [{"name": f.name, "label": str(f.label), "type": f.type, "group": str(f.group),
             "operators": list(f.operators), "help": str(f.help), "percent": f.percent,
             "choices": [{"code": code, "label": str(label)} for code, label in f.choices]}
            for f in FIELDS.values()]
