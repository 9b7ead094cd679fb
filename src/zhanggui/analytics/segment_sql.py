"""A segment definition compiled to a DuckDB condition over ``customer_features``.

Values are bound parameters (``$c0``, ``$c1``, …), never formatted into the SQL; field names
come from the catalogue (a definition is validated first), quoted as identifiers. Each
condition is wrapped in ``coalesce(…, false)`` so a missing value gives false, not NULL, and
the semantics are ``customers.segment_rules.evaluate``'s exactly (a property test holds the
two equal): ``ne`` and ``not_in`` include missing values, tags missing are the empty list.
"""

from decimal import Decimal

from zhanggui.customers.segment_fields import DECIMAL, FIELDS, TAGS
from zhanggui.customers.segment_rules import validate_definition

COMPARISONS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def compile_definition(definition: dict, prefix: str = "c") -> tuple[str, dict]:
    """``(condition, parameters)`` for ``SELECT … FROM customer_features WHERE condition``.

    Raises:
        SegmentInvalid / SegmentConditionInvalid: the definition does not validate.
    """
    definition = validate_definition(definition)
    params: dict = {}
    parts = []
    for index, condition in enumerate(definition["conditions"]):
        name = f"{prefix}{index}"
        sql, values = _condition(condition, name)
        parts.append(f"coalesce(({sql}), false)")
        params.update(values)
    joiner = " AND " if definition["match"] == "all" else " OR "
    return "(" + joiner.join(parts) + ")", params


def _condition(condition: dict, name: str) -> tuple[str, dict]:
    field = FIELDS[condition["field"]]
    column, op, value = f'"{field.name}"', condition["op"], condition.get("value")
    if field.type == DECIMAL and value is not None:
        value = [Decimal(v) for v in value] if isinstance(value, list) else Decimal(value)
    if field.type == TAGS:
        return _tags(column, op, name, value)
    if op == "is_set":
        return f"{column} IS NOT NULL", {}
    if op == "is_not_set":
        return f"{column} IS NULL", {}
    if op == "ne":
        return f"{column} IS DISTINCT FROM ${name}", {name: value}
    if op == "in":
        return f"list_contains(${name}, {column})", {name: value}
    if op == "not_in":
        return f"{column} IS NULL OR NOT list_contains(${name}, {column})", {name: value}
    if op == "between":
        return f"{column} BETWEEN ${name}_low AND ${name}_high", {f"{name}_low": value[0],
                                                                 f"{name}_high": value[1]}
    return f"{column} {COMPARISONS[op]} ${name}", {name: value}


def _tags(column: str, op: str, name: str, value) -> tuple[str, dict]:
    tags = f"coalesce({column}, [])"
    if op == "is_set":
        return f"len({tags}) > 0", {}
    if op == "is_not_set":
        return f"len({tags}) = 0", {}
    test = {"contains_any": "list_has_any", "contains_all": "list_has_all",
            "contains_none": "list_has_any"}[op]
    sql = f"{test}({tags}, ${name}::VARCHAR[])"
    return (f"NOT {sql}" if op == "contains_none" else sql), {name: value}
