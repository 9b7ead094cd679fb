"""The mapping engine: a profile's columns, compiled against a file's header, turn each raw
row into field values of the kind, or into row errors (line, column, reason).

Every profile, built-in or custom, is applied by this one engine.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.imports import parsers
from zhanggui.imports.fields import LINE, Field, fields_of
from zhanggui.imports.profiles.base import Column, Options, Profile


@dataclass(frozen=True)
class RowError:
    """A problem with one cell or row. ``source`` is "" for the main file, "items" for
    Taobao's item-detail file."""

    line: int
    column: str
    reason: str
    value: str = ""
    source: str = ""


@dataclass
class MappedRow:
    line: int
    values: dict[str, Any]
    source: str = ""


@dataclass(frozen=True)
class _Slot:
    index: int
    field: Field
    header: str
    parse: parsers.Parser


def build_parser(target: Field, parser_name: str, options: Options) -> parsers.Parser:
    """The parser for ``target`` under ``options`` (time zone, date formats, value maps)."""
    if parser_name == "datetime":
        tz = parsers.timezone_named(options.timezone) if options.timezone else \
            timezone.get_default_timezone()
        return parsers.datetime_parser(tz, options.date_formats)
    if parser_name == "date":
        return parsers.date_parser(options.date_formats)
    if parser_name == "choice":
        return parsers.choice_parser(set(target.choices), options.value_maps.get(target.name, {}))
    return parsers.SIMPLE_PARSERS[parser_name]


def _find(header: Sequence[str], column: Column) -> int | None:
    folded = [h.casefold() for h in header]
    for name in column.headers:
        if name.casefold() in folded:
            return folded.index(name.casefold())
    return None


@dataclass
class CompiledMapping:
    """A profile's columns bound to the positions of one file's header."""

    kind: str
    slots: list[_Slot]
    headers_by_field: dict[str, str]
    missing: list[RowError] = field(default_factory=list)
    source: str = ""

    def header_of(self, field_name: str) -> str:
        return self.headers_by_field.get(field_name, field_name)

    def map(self, line: int, values: Sequence[Any]) -> tuple[dict[str, Any], list[RowError]]:
        """The field values of one row; empty cells are absent. Errors name the column."""
        result: dict[str, Any] = {}
        errors: list[RowError] = []
        width = len(values)
        for slot in self.slots:
            raw = values[slot.index] if slot.index < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                value = slot.parse(raw)
            except ValueError as error:
                errors.append(RowError(line, slot.header, str(error), str(raw)[:200], self.source))
                continue
            if value == "" or value is None:
                continue
            if isinstance(value, str) and slot.field.max_length and len(value) > slot.field.max_length:
                if slot.field.type == "identifier":
                    errors.append(RowError(line, slot.header, _("longer than %(n)d characters")
                                           % {"n": slot.field.max_length}, value[:200], self.source))
                    continue
                value = value[: slot.field.max_length]  # snapshots of text keep what fits
            result[slot.field.name] = value
        return result, errors


def compile_mapping(profile: Profile, header: Sequence[str], *, items: bool = False,
                    lines_elsewhere: bool = False) -> CompiledMapping:
    """Bind ``profile``'s columns (or its item-file columns) to ``header``.

    A column that a required field needs but the file lacks is reported in ``missing``
    (line 1, the header row); optional columns the file lacks are simply not read.
    ``lines_elsewhere``: the lines come from the item-detail file, so the main file need
    not have line-level columns.
    """
    known = fields_of(profile.kind)
    columns = profile.item_columns if items else profile.columns
    source = "items" if items else ""
    slots, headers_by_field, missing = [], {}, []
    for column in columns:
        target = known[column.field]
        index = _find(header, column)
        if index is None:
            if target.required and not (lines_elsewhere and target.level == LINE):
                missing.append(RowError(1, column.headers[0], _("required column is missing"),
                                        source=source))
            continue
        headers_by_field.setdefault(column.field, header[index])
        parse = build_parser(target, column.parser or target.type, profile.options)
        slots.append(_Slot(index, target, header[index], parse))
    return CompiledMapping(profile.kind, slots, headers_by_field, missing, source)
