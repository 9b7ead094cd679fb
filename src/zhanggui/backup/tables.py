"""Which tables a backup holds, read from the app registry, and how their rows are read.

Every concrete model of every installed app is backed up, with the many-to-many tables
Django creates, unless its table is in ``rules.EXCLUDED_TABLES``: a new app's models are in
the next backup without any change here. Rows are read with plain SQL, so what is copied
is what the database stores (an encrypted field's ciphertext, never its plaintext).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

from zhanggui.backup import rules

FETCH_ROWS = 2000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    decimal_places: int | None = None
    is_generated: bool = False  # computed by the database: read and checked, never written


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]  # the primary key's columns

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def kinds(self) -> list[str]:
        return [column.kind for column in self.columns]

    def describe(self) -> list[dict]:
        return [{"name": c.name, "kind": c.kind} for c in self.columns]


def _column(field: models.Field) -> Column:
    generated = bool(getattr(field, "generated", False))
    typed = field.output_field if generated else field
    while typed.is_relation:  # a foreign key is stored as the key it points at
        typed = typed.target_field
    names = [typed.get_internal_type(), *(cls.__name__ for cls in type(typed).__mro__
                                          if cls.__module__.startswith("django.db.models"))]
    kind = rules.kind_for(names)
    if kind is None:
        raise TypeError(f"{field.model._meta.label}.{field.name}: no backup kind for "
                        f"{type(field).__name__}; derive it from a Django field type")
    return Column(field.column, kind, getattr(typed, "decimal_places", None), generated)


def _table(model: type[models.Model]) -> Table:
    meta = model._meta
    pk_fields = getattr(meta, "pk_fields", None) or [meta.pk]
    return Table(meta.db_table, model, tuple(_column(f) for f in meta.concrete_fields),
                 tuple(f.column for f in pk_fields))


def backed_up_tables() -> list[Table]:
    """Every table a backup holds, each after the tables it refers to where possible."""
    found: dict[str, Table] = {}
    dependencies: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in rules.EXCLUDED_TABLES:
            continue
        found[meta.db_table] = _table(model)
        dependencies[meta.db_table] = {f.related_model._meta.db_table for f in meta.concrete_fields
                                       if f.is_relation and f.related_model is not None}
    return [found[name] for name in rules.insert_order(dependencies)]


def read_rows(table: Table, *, where: str = "", params: tuple = ()) -> Iterator[list]:
    """The table's rows as portable values, in primary-key order, a batch at a time.

    On PostgreSQL this is a server-side cursor, so it must run inside a transaction.
    """
    quote = connection.ops.quote_name
    sql = (f"SELECT {', '.join(quote(c.name) for c in table.columns)} FROM {quote(table.name)}"
           f"{' WHERE ' + where if where else ''} ORDER BY {', '.join(map(quote, table.order_by))}")
    shapes = [(c.kind, c.decimal_places) for c in table.columns]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            for row in batch:
                yield [rules.portable(kind, value, decimal_places=places)
                       for (kind, places), value in zip(shapes, row, strict=True)]


def digest(table: Table) -> rules.TableDigest:
    """Row count and checksum of the table as the database holds it now."""
    result = rules.TableDigest()
    kinds = table.kinds
    for values in read_rows(table):
        result.add(rules.canonical_line(kinds, values))
    return result


def migration_state() -> dict[str, list[str]]:
    """The applied migrations, per app, as ``django_migrations`` records them."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def tables_with_rows(tables: list[Table]) -> list[str]:
    """The tables among ``tables`` that hold at least one row."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table.name)} LIMIT 1")
            if cursor.fetchone() is not None:
                found.append(table.name)
    return found
