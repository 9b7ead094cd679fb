"""Pure rules of segments: validate a definition, evaluate it over one customer's features,
and the lifecycle stage of a customer. No database here.

A definition is ``{"match": "all" | "any", "conditions": [{"field", "op", "value"}, …]}``
over ``segment_fields.FIELDS``. ``evaluate`` is the reference the warehouse's SQL
(``analytics.segment_sql``) must agree with, customer for customer (a property test).

Missing values (``None``: no birthday, no paid order yet) satisfy only ``is_not_set``,
``ne``, ``not_in`` and ``contains_none`` ("not female" includes the unknown); every other
test of a missing value is false. A customer without tags has the empty list.
"""

from decimal import Decimal, InvalidOperation

from zhanggui.customers.segment_errors import SegmentConditionInvalid, SegmentInvalid
from zhanggui.customers.segment_fields import (
    BOOLEAN,
    CHOICE,
    DECIMAL,
    FIELDS,
    INTEGER,
    LIFECYCLE_DAYS,
    STRING,
    TAGS,
    SegmentField,
)

MAX_CONDITIONS = 30
MAX_LIST = 500
MAX_TEXT = 100
INTEGER_LIMIT = 10**9
DECIMAL_LIMIT = Decimal("1000000000000")
SCALAR_OPS = ("eq", "ne", "gt", "gte", "lt", "lte")
LIST_OPS = ("in", "not_in", "contains_any", "contains_all", "contains_none")


def validate_definition(definition) -> dict:
    """The definition normalised (decimals as strings, lists without repeats), or raise.

    Raises:
        SegmentInvalid: not an object, ``match`` not all/any, no conditions or too many.
        SegmentConditionInvalid: a condition's field, operator or value is wrong (names the
            condition's 1-based index and its field).
    """
    if not isinstance(definition, dict):
        raise SegmentInvalid(problem="the definition must be an object")
    unknown = set(definition) - {"match", "conditions"}
    if unknown:
        raise SegmentInvalid(problem=f"unknown keys {sorted(unknown)}")
    match = definition.get("match", "all")
    if match not in ("all", "any"):
        raise SegmentInvalid(problem='match must be "all" or "any"')
    conditions = definition.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise SegmentInvalid(problem="at least one condition is required")
    if len(conditions) > MAX_CONDITIONS:
        raise SegmentInvalid(problem=f"at most {MAX_CONDITIONS} conditions")
    return {"match": match,
            "conditions": [_condition(index, c) for index, c in enumerate(conditions, start=1)]}


def _condition(index: int, condition) -> dict:
    name = condition.get("field") if isinstance(condition, dict) else None
    label = name if isinstance(name, str) else "?"

    def fail(problem: str):
        return SegmentConditionInvalid(index=index, field=label, problem=problem)

    if not isinstance(condition, dict):
        raise fail("a condition must be an object")
    if set(condition) - {"field", "op", "value"}:
        raise fail(f"unknown keys {sorted(set(condition) - {'field', 'op', 'value'})}")
    field = FIELDS.get(name) if isinstance(name, str) else None
    if field is None:
        raise fail("unknown field")
    op = condition.get("op")
    if op not in field.operators:
        raise fail(f"operator {op!r} is not one of {', '.join(field.operators)}")
    try:
        value = _value(field, op, condition.get("value"))
    except ValueError as error:
        raise fail(str(error)) from None
    out = {"field": name, "op": op}
    if value is not None:
        out["value"] = value
    return out


def _value(field: SegmentField, op: str, value):
    if op in ("is_set", "is_not_set"):
        if value is not None:
            raise ValueError("takes no value")
        return None
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("needs a list of two values [low, high]")
        low, high = (_scalar(field, v) for v in value)
        if _number(field, low) > _number(field, high):
            raise ValueError("low is above high")
        return [low, high]
    if op in LIST_OPS:
        if not isinstance(value, list) or not value:
            raise ValueError("needs a non-empty list of values")
        if len(value) > MAX_LIST:
            raise ValueError(f"at most {MAX_LIST} values")
        items = [_scalar(field, v, text=field.type == TAGS) for v in value]
        return list(dict.fromkeys(items))
    return _scalar(field, value)


def _scalar(field: SegmentField, value, *, text: bool = False):
    if text or field.type in (STRING, CHOICE):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise ValueError(f"needs text of 1 to {MAX_TEXT} characters")
        if field.type == CHOICE and value not in field.choice_codes:
            raise ValueError(f"{value!r} is not one of {', '.join(sorted(field.choice_codes))}")
        return value
    if field.type == BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("needs true or false")
        return value
    if field.type == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INTEGER_LIMIT:
            raise ValueError(f"needs a whole number within ±{INTEGER_LIMIT}")
        return value
    return str(_decimal(value))


def _decimal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("needs an amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("needs an amount") from None
    if not amount.is_finite() or abs(amount) >= DECIMAL_LIMIT or amount.as_tuple().exponent < -2:
        raise ValueError("needs an amount below 10^12 with at most 2 decimal places")
    return Decimal(int(amount)) if amount == amount.to_integral_value() else amount


def _number(field: SegmentField, value):
    return Decimal(value) if field.type == DECIMAL else value


def fields_of(definition: dict) -> set[str]:
    return {c["field"] for c in definition.get("conditions", [])}


# ---- evaluation ---------------------------------------------------------------------------

def evaluate(definition: dict, features: dict) -> bool:
    """Whether a customer with ``features`` (field name → value, ``None`` when missing) is
    in a segment of this (validated) ``definition``."""
    results = (holds(c, features.get(c["field"])) for c in definition["conditions"])
    return all(results) if definition["match"] == "all" else any(results)


def holds(condition: dict, actual) -> bool:
    """One condition over the customer's value of its field."""
    field, op = FIELDS[condition["field"]], condition["op"]
    if field.type == TAGS:
        return _tags(op, set(actual or ()), condition.get("value") or [])
    if op == "is_set":
        return actual is not None
    if op == "is_not_set":
        return actual is None
    if actual is None:
        return op in ("ne", "not_in")
    value = condition.get("value")
    if field.type == DECIMAL:
        actual = Decimal(actual)
        value = [Decimal(v) for v in value] if isinstance(value, list) else Decimal(value)
    return _compare(op, actual, value)


def _compare(op: str, actual, value) -> bool:
    if op == "in":
        return actual in value
    if op == "not_in":
        return actual not in value
    if op == "between":
        return value[0] <= actual <= value[1]
    return {"eq": actual == value, "ne": actual != value, "gt": actual > value,
            "gte": actual >= value, "lt": actual < value, "lte": actual <= value}[op]


def _tags(op: str, tags: set, value: list) -> bool:
    if op == "is_set":
        return bool(tags)
    if op == "is_not_set":
        return not tags
    if op == "contains_any":
        return bool(tags & set(value))
    if op == "contains_all":
        return set(value) <= tags
    return not tags & set(value)  # contains_none


# ---- model scores -------------------------------------------------------------------------

def lifecycle_thresholds(configured: dict | None) -> dict[str, int]:
    """``settings.ZHANGGUI_LIFECYCLE_DAYS`` over the defaults (GLOSSARY "Customer lifecycle")."""
    days = {**LIFECYCLE_DAYS, **(configured or {})}
    if not (days["new"] > 0 and days["active"] < days["at_risk"] < days["dormant"]):
        raise ValueError(f"lifecycle thresholds must increase: {days}")
    return days


def lifecycle_stage(first_paid_days_ago: int | None, last_paid_days_ago: int | None,
                    days: dict[str, int] = LIFECYCLE_DAYS) -> str:
    """new: first paid order less than ``new`` days ago (today is day 0); otherwise by the
    last paid order: active ≤ ``active`` days ago, at_risk ≤ ``at_risk``, dormant ≤
    ``dormant``, lost beyond; prospect without a paid order."""
    if first_paid_days_ago is None or last_paid_days_ago is None:
        return "prospect"
    if first_paid_days_ago < days["new"]:
        return "new"
    for stage in ("active", "at_risk", "dormant"):
        if last_paid_days_ago <= days[stage]:
            return stage
    return "lost"
