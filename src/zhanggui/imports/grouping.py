"""Group mapped rows into entities: an order and its lines, duplicates found.

- Several rows per order (Shopify, UCI Online Retail, the zhanggui template): an order's
  rows must be adjacent, or — with the profile's ``interleave_window`` — mixed with the
  rows of at most that many other orders (UCI's export splits one invoice so). Order-level
  values come from the first row that gives them (Shopify fills them on the first row
  only), or — for the profile's ``summed_fields`` — are the sum over the order's rows
  (Douyin gives amounts per sub order). An order id that comes back after its order was
  closed is a duplicate.
- One row per order (Taobao's order file): a repeated order id is a duplicate. Lines
  come from the item-detail file joined on the order id, or from the row itself.
"""

from collections import OrderedDict

from django.utils.translation import gettext as _

from zhanggui.imports.mapping import MappedRow, RowError
from zhanggui.imports.rules import OrderRecord


class OrderGrouper:
    """Feed rows with ``add``; it returns the orders that are complete. ``finish`` returns
    the rest."""

    def __init__(self, *, one_row_per_order: bool, window: int = 0,
                 items: dict[str, list[MappedRow]] | None = None, summed: tuple[str, ...] = ()):
        self.one_row_per_order = one_row_per_order
        self.summed = summed
        self.window = window
        self.items = items
        self.pending: OrderedDict[str, OrderRecord] = OrderedDict()
        self.first_line: dict[str, int] = {}

    def add(self, row: MappedRow) -> tuple[list[OrderRecord], list[RowError]]:
        order_id = row.values["order_id"]
        record = self.pending.get(order_id)
        if record is not None:
            self.pending.move_to_end(order_id)
            for name, value in row.values.items():
                if name in self.summed and name in record.header:
                    record.header[name] += value
                else:
                    record.header.setdefault(name, value)
            if self.items is None:
                record.lines.append(row)
            return [], []
        if order_id in self.first_line:
            # Another order's rows came in between: it counts against the window too.
            return self._close(self.window), [RowError(row.line, "order_id", _(
                "order %(id)s is repeated (first on line %(line)d); keep an order's rows together")
                % {"id": order_id, "line": self.first_line[order_id]}, order_id)]
        self.first_line[order_id] = row.line
        record = OrderRecord(order_id, row.line, dict(row.values), self._lines_of(row))
        if self.one_row_per_order:
            return [record], []
        closed = self._close(self.window)
        self.pending[order_id] = record
        return closed, []

    def _close(self, keep: int) -> list[OrderRecord]:
        """Close the oldest open orders until at most ``keep`` remain."""
        closed = []
        while len(self.pending) > keep:
            closed.append(self.pending.popitem(last=False)[1])
        return closed

    def _lines_of(self, row: MappedRow) -> list[MappedRow]:
        if self.items is None:
            return [row]
        return self.items.pop(row.values["order_id"], [])

    def finish(self) -> tuple[list[OrderRecord], list[RowError]]:
        """The orders still open, and item-file rows whose order is not in the order file."""
        records = list(self.pending.values())
        self.pending.clear()
        orphans = [RowError(row.line, "order_id", _("no order with this id in the order file"),
                            order_id, row.source)
                   for order_id, rows in (self.items or {}).items() for row in rows]
        return records, orphans


class DuplicateFinder:
    """Reports a key (a SKU code, a customer id) seen earlier in the same file, and which
    record (``owner_field``: the product of a SKU) had it first."""

    def __init__(self, field_name: str, *, owner_field: str = ""):
        self.field_name = field_name
        self.owner_field = owner_field
        self.seen: dict[str, int] = {}
        self.owners: dict[str, str] = {}

    def check(self, row: MappedRow) -> list[RowError]:
        key = row.values.get(self.field_name)
        if key is None:
            return []
        first = self.seen.setdefault(key, row.line)
        if first == row.line:
            if self.owner_field:
                self.owners[key] = row.values.get(self.owner_field, "")
            return []
        return [RowError(row.line, self.field_name, _("duplicate of line %(line)d") % {"line": first},
                         str(key))]

    def first_of(self, row: MappedRow) -> tuple[int, str]:
        """(line, owner) of the first row with the key of ``row``."""
        key = row.values[self.field_name]
        return self.seen[key], self.owners.get(key, "")
