"""The import pipeline: open → stream rows → map through the profile → validate →
group into entities → write in bulk, chunk by chunk.

All or nothing (the default): once any row has failed, nothing more is written but every
remaining row is still validated, so the error report is complete; the caller
(``actions.execute_import_run``) runs the pipeline in one transaction and rolls it back
when there was any error or the run is a dry run.

Skip invalid (``ImportRequest.skip_invalid``): the file is read twice. The *check* pass
validates every row, groups rows into records (an order with its lines — also from
Taobao's item-detail file —, a product with its SKUs, a customer) and writes nothing; a
record with any failing row, or failing a record-level check, is *invalid*. Rows of a
record can be far apart in a file (an order split by others, a repeated customer id),
so only the end of the file decides; hence the second, *write* pass, which leaves the
invalid records out whole and reports each of their valid rows, so that the report
names every line not imported. No record of a file depends on another one (orders carry
their own customer and SKU snapshots), so leaving a record out never breaks another.
The pipeline itself opens no transaction.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

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
MAX_STORED_SKIPPED = 50_000
PREVIEW_ROWS = 20
ORDERS_PER_CHUNK = 2_000
ROWS_PER_CHUNK = 5_000
PROGRESS_EVERY = 5_000

Progress = Callable[[int, float], None]
SINGLE, CHECK, WRITE = "single", "check", "write"  # the passes (see the module docstring)


@dataclass
class ImportRequest:
    kind: str
    profile: Profile
    channel: str
    path: Path
    item_path: Path | None = None
    actor: Staff | None = None
    skip_invalid: bool = False


@dataclass
class Outcome:
    skip_invalid: bool = False
    rows_read: int = 0
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    failed_lines: set[tuple[str, int]] = field(default_factory=set)
    preview: list[dict[str, Any]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    fatal: str = ""
    stopped: bool = False  # a required column is missing: no row could be read
    # Invalid records by key, with what their valid rows are reported with.
    invalid: dict[str, str] = field(default_factory=dict)
    # Skip mode: valid rows left out with their record, and the keys of those records.
    siblings: list[RowError] = field(default_factory=list)
    sibling_count: int = 0
    skipped_keys: set[str] = field(default_factory=set)
    imported_records: int = 0
    unexpected: bool = False  # the write pass met an error the check pass had not

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.fatal

    @property
    def applies(self) -> bool:
        """Whether what the pipeline wrote is to be kept (for a dry run: would be)."""
        if self.fatal:
            return False
        if not self.error_count:
            return True
        return self.skip_invalid and self.imported_records > 0

    @property
    def skipped_rows(self) -> int:
        """Rows not imported in the skip mode: those that failed and their siblings."""
        return len(self.failed_lines) + self.sibling_count

    @property
    def imported_rows(self) -> int:
        if not self.applies:
            return 0
        return self.rows_read - self.skipped_rows if self.skip_invalid else self.rows_read


class Pipeline:
    """One import: ``run()`` returns the ``Outcome``; the caller's transaction decides
    whether what was written is kept."""

    def __init__(self, request: ImportRequest, *, progress: Progress | None = None,
                 preview_limit: int = PREVIEW_ROWS):
        self.request = request
        self.profile = request.profile
        self.kind = request.kind
        self.key_field = rules.RECORD_KEYS[request.kind]
        self.progress = progress
        self.preview_limit = preview_limit
        self.outcome = Outcome(skip_invalid=request.skip_invalid)
        self.mappings: dict[str, CompiledMapping] = {}
        self.references = References(self.outcome.counts)
        self.phase = SINGLE

    # Errors ------------------------------------------------------------------------------

    def record(self, errors: list[RowError]) -> None:
        outcome = self.outcome
        for error in errors:
            if self.phase == WRITE:
                if (error.source, error.line) in outcome.failed_lines:
                    continue  # reported by the check pass
                outcome.unexpected = True
            mapping = self.mappings.get(error.source)
            column = mapping.header_of(error.column) if mapping else error.column
            if column != error.column:
                error = RowError(error.line, column, error.reason, error.value, error.source)
            outcome.error_count += 1
            outcome.failed_lines.add((error.source, error.line))
            if len(outcome.errors) < MAX_STORED_ERRORS:
                outcome.errors.append(error)

    def reject(self, key: str | None, errors: list[RowError]) -> None:
        """Record ``errors`` of the record ``key`` (None: a row whose key is unreadable),
        which makes the record invalid: its rows are not built, or left out in skip mode."""
        self.record(errors)
        if key is not None and errors:
            first = errors[0]
            self.invalidate(key, rules.skipped_reason(self.kind, key, first.line, first.source))

    def invalidate(self, key: str, reason: str) -> None:
        self.outcome.invalid.setdefault(key, reason)

    def leave_out(self, key: str, line: int, source: str = "") -> None:
        """A row of the invalid record ``key`` in the write pass: reported unless it failed."""
        outcome = self.outcome
        if not source:
            outcome.skipped_keys.add(key)
        if (source, line) in outcome.failed_lines:
            return
        outcome.sibling_count += 1
        if len(outcome.siblings) < MAX_STORED_SKIPPED:
            column = self.mappings[source].header_of(self.key_field)
            outcome.siblings.append(RowError(line, column, outcome.invalid[key], key, source))

    @property
    def writing(self) -> bool:
        """All or nothing: nothing more is written once a row failed (it would be rolled
        back anyway). Skip mode: the check pass writes nothing, the write pass everything
        it is given."""
        if self.phase == CHECK:
            return False
        if self.phase == WRITE:
            return not self.outcome.unexpected
        return not self.outcome.error_count

    # Running -----------------------------------------------------------------------------

    def run(self) -> Outcome:
        if not self.request.skip_invalid:
            self._pass(SINGLE)
            return self.outcome
        self._pass(CHECK)
        if not (self.outcome.fatal or self.outcome.stopped):
            self._pass(WRITE)
        if self.outcome.unexpected and not self.outcome.fatal:
            self.outcome.fatal = _("Rows that passed the check failed when written (did the "
                                   "data change meanwhile?); nothing was imported.")
        return self.outcome

    def _pass(self, phase: str) -> None:
        self.phase = phase
        self.outcome.rows_read = 0
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
                    self.outcome.stopped = True
                    return
                sink = self._sink()
                self._stream(table, mapping, sink)
                sink.finish()
        except FileUnreadable as error:
            self.outcome.fatal = str(error)

    def _report_progress(self, rows_read: int, fraction: float) -> None:
        """Skip mode reads the file twice: the check pass is the first half of the bar."""
        if self.progress is None:
            return
        if self.phase == CHECK:
            fraction = fraction / 2
        elif self.phase == WRITE:
            fraction = 0.5 + fraction / 2
        self.progress(rows_read, fraction)

    def _sink(self) -> "RowSink | OrderSink":
        kind = self.kind
        if kind == "orders":
            items = self._load_items() if self.request.item_path else None
            return OrderSink(self, items)
        if kind == "customers":
            writer = CustomerWriter(channel=self.request.channel, references=self.references,
                                    counts=self.outcome.counts)
            return RowSink(self, writer, DuplicateFinder("customer_id"))
        writer = ProductWriter(references=self.references, counts=self.outcome.counts)
        return RowSink(self, writer, DuplicateFinder("sku_code", owner_field="product_code"))

    def _stream(self, table: Table, mapping: CompiledMapping, sink: "RowSink | OrderSink") -> None:
        kind, outcome = self.kind, self.outcome
        preview_limit = 0 if self.phase == WRITE else self.preview_limit
        for line, raw in table.rows:
            outcome.rows_read += 1
            values, errors = mapping.map(line, raw)
            errors += rules.missing_values(kind, values, line)
            if len(outcome.preview) < preview_limit:
                outcome.preview.append({"line": line, **json_value(values)})
            key = values.get(self.key_field)
            if self.phase == WRITE and key in outcome.invalid:
                self.leave_out(key, line)
            elif errors:
                self.reject(key, errors)
            else:
                sink.add(MappedRow(line, values))
            if outcome.rows_read % PROGRESS_EVERY == 0:
                self._report_progress(outcome.rows_read, table.progress())
        self._report_progress(outcome.rows_read, 1.0)

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
                order_id = values.get("order_id")
                if self.phase == WRITE and order_id in self.outcome.invalid:
                    self.leave_out(order_id, line, "items")
                elif errors:
                    self.reject(order_id, errors)
                else:
                    items[order_id].append(MappedRow(line, values, "items"))
        return items


class RowSink:
    """Products and customers: one row is one customer or one SKU of a product; chunks are
    written as they fill (checked without writing in the check pass)."""

    def __init__(self, pipeline: Pipeline, writer: CustomerWriter | ProductWriter,
                 duplicates: DuplicateFinder):
        self.pipeline = pipeline
        self.writer = writer
        self.duplicates = duplicates
        self.kind = pipeline.kind
        self.key_field = pipeline.key_field
        self.chunk: list[MappedRow] = []
        self.written_keys: set[str] = set()

    def add(self, row: MappedRow) -> None:
        key = row.values[self.key_field]
        problems = self.duplicates.check(row)
        if problems and self.kind == "products":
            _first_line, owner = self.duplicates.first_of(row)
            if owner != key:  # the product that has the code first is in doubt as well
                self.pipeline.invalidate(owner, rules.shared_sku_reason(
                    owner, row.values["sku_code"], row.line))
        if self.kind == "products":
            problems += rules.product_row_problems(row.values, row.line)
        if problems:
            self.pipeline.reject(key, problems)
            return
        self.chunk.append(row)
        if len(self.chunk) >= ROWS_PER_CHUNK:
            self.flush()

    def flush(self) -> None:
        pipeline, chunk = self.pipeline, self.chunk
        self.chunk = []
        if not chunk:
            return
        if pipeline.phase == CHECK:
            problems = self.writer.check(chunk)
        elif pipeline.writing:
            problems = self.writer.write(chunk)
            self.written_keys.update(row.values[self.key_field] for row in chunk)
        else:
            return
        keys = {row.line: row.values[self.key_field] for row in chunk}
        for problem in problems:
            pipeline.reject(keys[problem.line], [problem])

    def finish(self) -> None:
        self.flush()
        self.pipeline.outcome.imported_records += len(self.written_keys)


class OrderSink:
    """Orders: rows grouped into orders, orders built and checked, written in chunks."""

    def __init__(self, pipeline: Pipeline, items: dict[str, list[MappedRow]] | None):
        request = pipeline.request
        self.pipeline = pipeline
        self.context = rules.OrderContext(request.channel, request.profile.options,
                                          has_item_file=items is not None)
        options = request.profile.options
        self.grouper = OrderGrouper(one_row_per_order=options.one_row_per_order,
                                    window=options.interleave_window, items=items,
                                    summed=options.summed_fields)
        self.writer = OrderWriter(channel=request.channel, options=request.profile.options,
                                  actor=request.actor, references=pipeline.references,
                                  counts=pipeline.outcome.counts)
        # An order with a failed row is not built (its other errors would only echo it).
        self.invalid = pipeline.outcome.invalid
        self.chunk: list[rules.OrderDraft] = []

    def add(self, row: MappedRow) -> None:
        records, problems = self.grouper.add(row)
        self.pipeline.reject(row.values["order_id"], problems)
        self._build(records)

    def _build(self, records: list[rules.OrderRecord]) -> None:
        for record in records:
            if record.order_id in self.invalid:
                continue
            draft, problems = rules.build_order(record, self.context)
            self.pipeline.reject(record.order_id, problems)
            if draft is not None:
                self.chunk.append(draft)
        if len(self.chunk) >= ORDERS_PER_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pipeline.writing and self.chunk:
            self.writer.write(self.chunk)
            self.pipeline.outcome.imported_records += len(self.chunk)
        self.chunk = []

    def finish(self) -> None:
        records, problems = self.grouper.finish()
        self.pipeline.record(problems)  # item rows of no order: no record to leave out
        self._build(records)
        self.flush()
