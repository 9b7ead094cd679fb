"""The import pipeline: open → stream rows → map through the profile → validate →
group into entities → write in bulk, chunk by chunk.

Once any row has failed, nothing more is written but every remaining row is still
validated, so the error report is complete; the caller (``actions.execute_import_run``)
runs the pipeline in one transaction and rolls it back when there was any error or the
run is a dry run. The pipeline itself opens no transaction.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhanggui.accounts.models import Staff
from zhanggui.accounts.rules import json_value
from zhanggui.imports import rules
from zhanggui.imports.apply_master import CustomerWriter, ProductWriter
from zhanggui.imports.apply_orders import OrderWriter
from zhanggui.imports.grouping import DuplicateFinder, OrderGrouper
from zhanggui.imports.mapping import CompiledMapping, MappedRow, RowError, compile_mapping
from zhanggui.imports.profiles.base import Profile
from zhanggui.imports.readers import FileUnreadable, Table, open_table
from zhanggui.imports.references import References

MAX_STORED_ERRORS = 10_000
PREVIEW_ROWS = 20
ORDERS_PER_CHUNK = 2_000
ROWS_PER_CHUNK = 5_000
PROGRESS_EVERY = 5_000

Progress = Callable[[int, float], None]


@dataclass
class ImportRequest:
    kind: str
    profile: Profile
    channel: str
    path: Path
    item_path: Path | None = None
    actor: Staff | None = None


@dataclass
class Outcome:
    rows_read: int = 0
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    failed_lines: set[tuple[str, int]] = field(default_factory=set)
    preview: list[dict[str, Any]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    fatal: str = ""

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.fatal


class Pipeline:
    """One import: ``run()`` returns the ``Outcome``; the caller's transaction decides
    whether what was written is kept."""

    def __init__(self, request: ImportRequest, *, progress: Progress | None = None,
                 preview_limit: int = PREVIEW_ROWS):
        self.request = request
        self.profile = request.profile
        self.progress = progress
        self.preview_limit = preview_limit
        self.outcome = Outcome()
        self.mappings: dict[str, CompiledMapping] = {}
        self.references = References(self.outcome.counts)
        self.tainted_items: set[str] = set()

    # Errors ------------------------------------------------------------------------------

    def record(self, errors: list[RowError]) -> None:
        for error in errors:
            mapping = self.mappings.get(error.source)
            column = mapping.header_of(error.column) if mapping else error.column
            if column != error.column:
                error = RowError(error.line, column, error.reason, error.value, error.source)
            self.outcome.error_count += 1
            self.outcome.failed_lines.add((error.source, error.line))
            if len(self.outcome.errors) < MAX_STORED_ERRORS:
                self.outcome.errors.append(error)

    @property
    def writing(self) -> bool:
        """Nothing more is written once a row failed (it would be rolled back anyway)."""
        return not self.outcome.error_count

    # Running -----------------------------------------------------------------------------

    def run(self) -> Outcome:
        options = self.profile.options
        try:
            with open_table(self.request.path, encoding=options.encoding,
                            delimiter=options.delimiter, sheet=options.sheet) as table:
                self.outcome.header = table.header
                mapping = compile_mapping(self.profile, table.header,
                                          lines_elsewhere=self.request.item_path is not None)
                self.mappings[""] = mapping
                self.record(mapping.missing)
                if mapping.missing:
                    return self.outcome
                sink = self._sink()
                self._stream(table, mapping, sink)
                sink.finish()
        except FileUnreadable as error:
            self.outcome.fatal = str(error)
        return self.outcome

    def _sink(self) -> "RowSink | OrderSink":
        kind = self.request.kind
        if kind == "orders":
            items = self._load_items() if self.request.item_path else None
            return OrderSink(self, items)
        if kind == "customers":
            writer = CustomerWriter(channel=self.request.channel, references=self.references,
                                    counts=self.outcome.counts)
            return RowSink(self, writer, DuplicateFinder("customer_id"))
        writer = ProductWriter(references=self.references, counts=self.outcome.counts)
        return RowSink(self, writer, DuplicateFinder("sku_code"))

    def _stream(self, table: Table, mapping: CompiledMapping, sink: "RowSink | OrderSink") -> None:
        kind = self.request.kind
        for line, raw in table.rows:
            self.outcome.rows_read += 1
            values, errors = mapping.map(line, raw)
            errors += rules.missing_values(kind, values, line)
            if len(self.outcome.preview) < self.preview_limit:
                self.outcome.preview.append({"line": line, **json_value(values)})
            if errors:
                self.record(errors)
                sink.taint(values)
            else:
                sink.add(MappedRow(line, values))
            if self.outcome.rows_read % PROGRESS_EVERY == 0 and self.progress:
                self.progress(self.outcome.rows_read, table.progress())
        if self.progress:
            self.progress(self.outcome.rows_read, 1.0)

    def _load_items(self) -> dict[str, list[MappedRow]]:
        """The item-detail file's rows by order id (held in memory to join the order file)."""
        options = self.profile.options
        items: dict[str, list[MappedRow]] = defaultdict(list)
        with open_table(self.request.item_path, encoding=options.encoding,
                        delimiter=options.delimiter, sheet=options.sheet) as table:
            mapping = compile_mapping(self.profile, table.header, items=True)
            self.mappings["items"] = mapping
            self.record(mapping.missing)
            if mapping.missing:
                return items
            for line, raw in table.rows:
                self.outcome.rows_read += 1
                values, errors = mapping.map(line, raw)
                errors += rules.missing_values("orders", values, line, "items")
                if errors:
                    self.record(errors)
                    self.tainted_items.add(values.get("order_id", ""))
                    continue
                items[values["order_id"]].append(MappedRow(line, values, "items"))
        return items


class RowSink:
    """Products and customers: one row is one record; chunks are written as they fill."""

    def __init__(self, pipeline: Pipeline, writer: CustomerWriter | ProductWriter,
                 duplicates: DuplicateFinder):
        self.pipeline = pipeline
        self.writer = writer
        self.duplicates = duplicates
        self.kind = pipeline.request.kind
        self.chunk: list[MappedRow] = []

    def taint(self, values: dict[str, Any]) -> None:
        pass

    def add(self, row: MappedRow) -> None:
        problems = self.duplicates.check(row)
        if self.kind == "products":
            problems += rules.product_row_problems(row.values, row.line)
        if problems:
            self.pipeline.record(problems)
            return
        self.chunk.append(row)
        if len(self.chunk) >= ROWS_PER_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pipeline.writing and self.chunk:
            self.pipeline.record(self.writer.write(self.chunk))
        self.chunk = []

    def finish(self) -> None:
        self.flush()


class OrderSink:
    """Orders: rows grouped into orders, orders built and checked, written in chunks."""

    def __init__(self, pipeline: Pipeline, items: dict[str, list[MappedRow]] | None):
        request = pipeline.request
        self.pipeline = pipeline
        self.context = rules.OrderContext(request.channel, request.profile.options,
                                          has_item_file=items is not None)
        options = request.profile.options
        self.grouper = OrderGrouper(one_row_per_order=options.one_row_per_order,
                                    window=options.interleave_window, items=items)
        self.writer = OrderWriter(channel=request.channel, options=request.profile.options,
                                  actor=request.actor, references=pipeline.references,
                                  counts=pipeline.outcome.counts)
        self.tainted: set[str] = set(pipeline.tainted_items)
        self.chunk: list[rules.OrderDraft] = []

    def taint(self, values: dict[str, Any]) -> None:
        """An order with a failed row is not built (its other errors would only echo it)."""
        if "order_id" in values:
            self.tainted.add(values["order_id"])

    def add(self, row: MappedRow) -> None:
        records, problems = self.grouper.add(row)
        self.pipeline.record(problems)
        self._build(records)

    def _build(self, records: list[rules.OrderRecord]) -> None:
        for record in records:
            if record.order_id in self.tainted:
                continue
            draft, problems = rules.build_order(record, self.context)
            self.pipeline.record(problems)
            if draft is not None:
                self.chunk.append(draft)
        if len(self.chunk) >= ORDERS_PER_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pipeline.writing and self.chunk:
            self.writer.write(self.chunk)
        self.chunk = []

    def finish(self) -> None:
        records, problems = self.grouper.finish()
        self.pipeline.record(problems)
        self._build(records)
        self.flush()
