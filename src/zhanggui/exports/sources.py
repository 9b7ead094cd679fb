"""What can be exported: each kind is a source that an app above registers (the analytics
reports, the console's order list), so this app knows none of them.

A source turns a job's parameters (JSON) and the requesting staff member into an
``Export``: one or more tables whose rows are produced lazily, so a million orders are
streamed from the database to the file in chunks and never held in memory.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from zhanggui.exports.errors import UnknownExportKind


@dataclass(frozen=True)
class Column:
    label: str
    unit: str = "text"  # text | number | money | rate (Excel formats money and rates)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Iterable[list[Any]]


@dataclass
class Export:
    """What a source builds: the tables, how many rows they hold (the progress bar's 100 %),
    and the download's file name without its extension."""

    tables: list[Table]
    total_rows: int
    file_stem: str
    title: str = ""
    extra: dict = field(default_factory=dict)


Builder = Callable[[dict, Any], Export]
_SOURCES: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    """Register ``builder(parameters, staff) -> Export`` as the source of ``kind`` (each
    app does it once, in its ``AppConfig.ready``)."""
    _SOURCES[kind] = builder


def build(kind: str, parameters: dict, staff) -> Export:
    """The export of ``kind`` for these parameters, as ``staff`` may see it.

    Raises:
        UnknownExportKind: no app registered ``kind``.
    """
    try:
        builder = _SOURCES[kind]
    except KeyError:
        raise UnknownExportKind(kind=kind) from None
    return builder(parameters, staff)
