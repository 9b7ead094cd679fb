"""A fingerprint of the whole database: every table's row count and a digest of all its rows.

Two equal fingerprints mean no row was added, removed or changed anywhere (test data is
small, so every row is read). ``IGNORED`` lists what may change on a mere read, each with
the reason; nothing else is left out.
"""

import hashlib
from functools import cache

from django.db import connection

# (table, column) whose changes a read may cause; "*" ignores the whole table.
IGNORED: dict[tuple[str, str], str] = {
    # Bookkeeping of bearer tokens: a call records when its token was last used (at most
    # once a minute), which is what the token list shows; it is not business data.
    ("accounts_apitoken", "last_used_at"): "a token's last use is recorded by every call",
}


@cache  # the schema does not change while the tests run
def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in description
            if (table, column.name) not in IGNORED and (table, "*") not in IGNORED]


@cache
def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value  # PostgreSQL's bytea


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """``{table: (row count, SHA-256 of every row in primary-key order)}``."""
    quote = connection.ops.quote_name
    result = {}
    for table in _tables():
        columns = _columns(table)
        if not columns:
            continue
        digest = hashlib.sha256()
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
            # Sorted in Python: the same order on SQLite and PostgreSQL, any column types.
            for row in sorted(repr(tuple(map(_plain, row))) for row in cursor.fetchall()):
                digest.update(row.encode())
                count += 1
        result[table] = (count, digest.hexdigest())
    return result


def changed_tables(before: dict, after: dict) -> dict[str, tuple]:
    """The tables whose fingerprint differs, with both fingerprints."""
    return {table: (before.get(table), after.get(table))
            for table in sorted(set(before) | set(after)) if before.get(table) != after.get(table)}
