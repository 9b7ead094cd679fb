"""Format profiles: a declared mapping of a file layout's columns to the fields of a kind.

A profile is data, not code: a tuple of ``Column`` (field ← accepted header names,
optionally with a parser override) and ``Options`` (time zone, date formats, value maps
for statuses, how negative lines and cancellation invoices are read, …). Built-in
profiles (``zhanggui``, ``taobao``, ``shopify``, ``online_retail``) and custom ones
(a JSON file or a saved ``ImportProfile``) all go through the same mapping engine.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zhanggui.core.errors import InvalidInput
from zhanggui.imports.fields import FIELDS_BY_KIND, LINE, ORDER, fields_of, required_fields
from zhanggui.imports.parsers import timezone_named


@dataclass(frozen=True)
class Column:
    """Fill ``field`` from the first of ``headers`` the file has."""

    field: str
    headers: tuple[str, ...]
    parser: str = ""


@dataclass(frozen=True)
class Options:
    """How a profile reads values and builds entities. Every option is documented in
    ``docs/imports.md``; custom profiles set them in their ``options`` object."""

    timezone: str = ""  # "" is the shop's time zone
    date_formats: tuple[str, ...] = ()
    encoding: str = ""  # "" sniffs: BOM, else strict UTF-8, else GB18030
    delimiter: str = ""  # "" sniffs among , ; tab |
    sheet: str = ""  # .xlsx sheet name; "" is the first sheet
    default_channel: str = "own"
    default_status: str = "completed"
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field → {label: value}
    one_row_per_order: bool = False  # True: a repeated order id is a duplicate
    interleave_window: int = 0  # rows of an order may mix with this many other orders' rows
    cancellation_prefix: str = ""  # order ids starting with it are cancellations
    negative_lines: str = "error"  # "error", or "credit": negative lines make a credit order
    payment_method: str = ""  # method of imported payments when the file names none
    currency: str = ""
    # Order-level amounts the file gives per row (Douyin's sub orders): the order's value
    # is the sum over its rows instead of the first row's.
    summed_fields: tuple[str, ...] = ()


OPTION_NAMES = frozenset(Options.__dataclass_fields__) | {"date_format"}
NEGATIVE_LINE_MODES = ("error", "credit")


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    label: str | Promise
    columns: tuple[Column, ...]
    options: Options = field(default_factory=Options)
    item_columns: tuple[Column, ...] = ()  # the companion item-detail file (orders only)
    description: str | Promise = ""

    def field_names(self) -> set[str]:
        return {c.field for c in (*self.columns, *self.item_columns)}

    def to_json(self) -> dict[str, Any]:
        """The profile as a custom-profile JSON object (also stored on each run)."""
        return {
            "name": self.name, "kind": self.kind,
            "columns": _columns_json(self.columns),
            "item_columns": _columns_json(self.item_columns),
            "options": _options_json(self.options),
        }


def _columns_json(columns: tuple[Column, ...]) -> dict[str, str | list[str]]:
    """{header: field}, or {header: [fields]} for a column that fills several fields."""
    result: dict[str, list[str]] = {}
    for column in columns:
        result.setdefault(column.headers[0], []).append(column.field)
    return {header: names[0] if len(names) == 1 else names for header, names in result.items()}


def _columns_from_json(data: Mapping[str, Any]) -> tuple[Column, ...]:
    columns = []
    for header, targets in data.items():
        for target in ([targets] if isinstance(targets, str) else list(targets or [])):
            if target:
                columns.append(Column(str(target), (str(header),)))
    return tuple(columns)


def _options_json(options: Options) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in Options.__dataclass_fields__:
        value = getattr(options, name)
        if isinstance(value, Mapping):
            value = {k: dict(v) if isinstance(v, Mapping) else v for k, v in value.items()}
        elif isinstance(value, tuple):
            value = list(value)
        result[name] = value
    return result


def profile_problems(profile: Profile) -> list[str]:
    """What is wrong with a profile (empty when it can be used)."""
    if profile.kind not in FIELDS_BY_KIND:
        return [_("unknown kind %(kind)s") % {"kind": profile.kind}]
    known = fields_of(profile.kind)
    problems = [_("unknown field %(field)s") % {"field": c.field}
                for c in (*profile.columns, *profile.item_columns) if c.field not in known]
    mapped = profile.field_names()
    problems += [_("no column is mapped to the required field %(field)s") % {"field": name}
                 for name in required_fields(profile.kind) if name not in mapped]
    if profile.kind == "orders":
        for group in (("sku_code", "product_title"), ("unit_price", "line_total_amount")):
            if not mapped.intersection(group):
                problems.append(_("map a column to one of %(fields)s") % {"fields": ", ".join(group)})
    problems += _option_problems(profile.options, known)
    return problems


def _option_problems(options: Options, known: Mapping[str, Any]) -> list[str]:
    problems = []
    if options.timezone:
        try:
            timezone_named(options.timezone)
        except ValueError as error:
            problems.append(f"timezone: {error}")
    problems += [_("summed_fields: %(field)s is not an order-level amount") % {"field": name}
                 for name in options.summed_fields
                 if name not in known or known[name].type != "money" or known[name].level != ORDER]
    if options.negative_lines not in NEGATIVE_LINE_MODES:
        problems.append(_("negative_lines must be one of %(modes)s")
                        % {"modes": ", ".join(NEGATIVE_LINE_MODES)})
    for name, table in options.value_maps.items():
        target = known.get(name)
        if target is None or not target.choices:
            problems.append(_("value_maps: %(field)s takes no fixed values") % {"field": name})
            continue
        bad = sorted({v for v in table.values() if v not in target.choices})
        if bad:
            problems.append(_("value_maps: %(field)s cannot be %(values)s")
                            % {"field": name, "values": ", ".join(bad)})
    return problems


def options_from_json(data: Mapping[str, Any]) -> Options:
    """``Options`` from a custom profile's ``options`` object.

    Raises:
        InvalidInput: unknown option names or values of the wrong type.
    """
    unknown = set(data) - OPTION_NAMES
    if unknown:
        raise InvalidInput(_("Unknown profile options: %(names)s"), names=", ".join(sorted(unknown)))
    values = dict(data)
    formats = values.pop("date_formats", []) or []
    summed = values.pop("summed_fields", []) or []
    if values.get("date_format"):
        formats = [values["date_format"], *formats]
    values.pop("date_format", None)
    maps = values.pop("value_maps", {}) or {}
    if not isinstance(formats, list | tuple) or not isinstance(summed, list | tuple) \
            or not isinstance(maps, Mapping):
        raise InvalidInput(_("date_formats must be a list and value_maps an object."))
    try:
        return Options(date_formats=tuple(str(f) for f in formats),
                       summed_fields=tuple(str(f) for f in summed),
                       value_maps=MappingProxyType({str(k): MappingProxyType(dict(v))
                                                    for k, v in maps.items()}),
                       **values)
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Invalid profile options: %(error)s"), error=str(error)) from None


def profile_from_json(data: Mapping[str, Any], *, name: str = "") -> Profile:
    """A custom profile from its JSON object::

        {"name": "my-erp", "kind": "orders",
         "columns": {"单号": "order_id", "下单时间": "placed_at", "数量": "quantity",
                     "买家": ["customer_id", "customer_name"], …},
         "item_columns": {…},   # optional, orders only
         "options": {"date_format": "%d/%m/%Y %H:%M", "encoding": "gbk", …}}

    Raises:
        InvalidInput: the object is malformed or the mapping is incomplete.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), Mapping):
        raise InvalidInput(_("A profile needs a kind and a columns object."))
    kind = str(data.get("kind", ""))
    options = options_from_json(data.get("options") or {})
    columns = _columns_from_json(data["columns"])
    items = _columns_from_json(data.get("item_columns") or {})
    profile = Profile(name=name or str(data.get("name") or "custom"), kind=kind,
                      label=str(data.get("name") or name or "custom"), columns=columns,
                      options=options, item_columns=items)
    problems = profile_problems(profile)
    if problems:
        raise InvalidInput(_("The profile is not usable: %(problems)s"), problems="; ".join(problems))
    return profile


def line_fields(profile: Profile) -> set[str]:
    known = fields_of(profile.kind)
    return {name for name in profile.field_names() if known[name].level == LINE}
