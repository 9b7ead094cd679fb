"""Pure catalog rules: attribute validation and SKU option checks."""

from decimal import Decimal, InvalidOperation
from typing import Any

from zhanggui.catalog.models import AttributeType


def attribute_problems(definitions: list[dict[str, Any]], values: dict[str, Any]) -> list[str]:
    """Problems of ``values`` against attribute ``definitions`` (empty when valid).

    Each definition is a dict with ``code``, ``name``, ``value_type``, ``choices`` and
    ``is_required``. Unknown codes, missing required values, values outside the allowed
    choices and non-numeric numbers are problems.
    """
    problems: list[str] = []
    by_code = {d["code"]: d for d in definitions}
    for code in values:
        if code not in by_code:
            problems.append(f"unknown attribute '{code}'")
    for definition in definitions:
        value = values.get(definition["code"])
        if value in (None, ""):
            if definition["is_required"]:
                problems.append(f"'{definition['name']}' is required")
            continue
        problems.extend(_value_problems(definition, value))
    return problems


def _value_problems(definition: dict[str, Any], value: Any) -> list[str]:
    kind = definition["value_type"]
    if kind == AttributeType.CHOICE and value not in definition["choices"]:
        return [f"'{definition['name']}' must be one of {definition['choices']}"]
    if kind == AttributeType.NUMBER:
        try:
            Decimal(str(value))
        except InvalidOperation:
            return [f"'{definition['name']}' must be a number"]
    if kind == AttributeType.BOOLEAN and not isinstance(value, bool):
        return [f"'{definition['name']}' must be true or false"]
    return []


def option_problems(option_names: list[str], option_values: dict[str, Any]) -> list[str]:
    """A SKU must give exactly one value for each of its product's option names."""
    problems = []
    if set(option_values) != set(option_names):
        problems.append(f"options must be exactly {option_names}, got {sorted(option_values)}")
    problems.extend(f"option '{k}' is empty" for k, v in option_values.items() if v in (None, ""))
    return problems


def empty_attribute_share(definitions: list[dict[str, Any]], values: dict[str, Any]) -> float:
    """Share of defined attributes left empty (the listing-quality completeness input)."""
    if not definitions:
        return 0.0
    empty = sum(1 for d in definitions if values.get(d["code"]) in (None, ""))
    return empty / len(definitions)
