"""Pure rules of the backup format: value kinds, the canonical row form and its checksum,
table order, the migration-state comparison, archive paths and the retention of scheduled
backups. No database access here.

A row is stored in the archive as one JSON array of *portable* values, one per column:
what the database holds, in a form every supported database reads back the same way
(decimals as strings, times as ISO 8601 in UTC, bytes as base64, JSON documents as their
text). A table's checksum is the SHA-256 of its rows in primary-key order, each row in its
*canonical* form (the portable form with JSON documents re-serialised with sorted keys,
because PostgreSQL's ``jsonb`` does not keep the text it was given), so a checksum computed
on SQLite equals the one computed on PostgreSQL after a restore.
"""

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Context, Decimal
from pathlib import PurePosixPath
from typing import BinaryIO

FORMAT = "zhanggui-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
WAREHOUSE_MANIFEST_NAME = "warehouse/manifest.json"

# Tables that are not in a backup, and why. A table of the database that is neither backed
# up nor listed here fails the test suite (tests/backup/test_tables.py).
EXCLUDED_TABLES: dict[str, str] = {
    "django_migrations": "the migration state: compared before a restore, never copied",
    "django_session": "log-in sessions: short-lived secrets; everyone logs in again after a restore",
    "accounts_staffsession": "log-in sessions: short-lived secrets; everyone logs in again "
                             "after a restore",
    "integrations_idempotencykey": "the API's answers to retried requests, kept 24 hours; a "
                                   "restored shop starts without them",
}

# Tables that ``migrate`` fills in a fresh installation. They are backed up like the others,
# but a restore replaces their rows instead of refusing because they are not empty: other
# rows refer to content types, permissions and groups by id, and the ids a fresh ``migrate``
# hands out need not be the ones of the shop that was backed up. The shop's settings seeded
# by migrations (review rules, carrier services with their rate cards, the fulfillment
# policy) are the backed-up shop's own after a restore, the same way.
REPLACED_TABLES = ("auth_group_permissions", "auth_permission", "auth_group", "django_content_type",
                   "orders_reviewrule", "fulfillment_ratecardrow", "fulfillment_carrierservice",
                   "fulfillment_fulfillmentpolicy")

# Django's built-in field types and how their values are carried. A custom field (an
# encrypted one, say) is carried by the built-in type it derives from, as stored: ciphertext
# stays ciphertext.
KINDS: dict[str, str] = {
    **dict.fromkeys(("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                     "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                     "PositiveBigIntegerField", "PositiveSmallIntegerField"), "int"),
    **dict.fromkeys(("CharField", "TextField", "SlugField", "EmailField", "URLField",
                     "FilePathField", "FileField", "ImageField", "GenericIPAddressField",
                     "IPAddressField"), "text"),
    "BooleanField": "bool",
    "DecimalField": "decimal",
    "FloatField": "float",
    "JSONField": "json",
    "BinaryField": "bytes",
    "UUIDField": "uuid",
    "DateTimeField": "datetime",
    "DateField": "date",
    "TimeField": "time",
    "DurationField": "duration",
}


def kind_for(type_names: Iterable[str]) -> str | None:
    """The kind of the first of ``type_names`` (a field's internal type, then the names of
    the classes it derives from) that is a known Django field type; ``None`` if none is."""
    for name in type_names:
        if name in KINDS:
            return KINDS[name]
    return None


def _decimal(value, decimal_places: int | None) -> str:
    if isinstance(value, float):
        # SQLite hands back decimals stored as REAL; Django reads them with 15 digits too.
        number = Context(prec=15).create_decimal_from_float(value)
    else:
        number = Decimal(str(value))
    if decimal_places is not None:
        number = number.quantize(Decimal(1).scaleb(-decimal_places))
    return str(number)


def _datetime(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC times without an offset (USE_TZ = True)
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _duration(value) -> int:
    if isinstance(value, timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    return int(value)


def _json_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _iso(value) -> str:
    return value if isinstance(value, str) else value.isoformat()


_PORTABLE = {
    "int": int,
    "bool": bool,
    "float": float,
    "json": _json_text,
    "bytes": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
    "uuid": lambda value: uuid.UUID(str(value)).hex,
    "datetime": _datetime,
    "date": _iso,
    "time": _iso,
    "duration": _duration,
    "text": str,
}


def portable(kind: str, value, *, decimal_places: int | None = None):
    """The archive's form of a value the database driver returned for a column of ``kind``."""
    if value is None:
        return None
    if kind == "decimal":
        return _decimal(value, decimal_places)
    return _PORTABLE[kind](value)


def python_value(kind: str, value):
    """The Python value a database driver accepts for a portable value (before the
    vendor's own adaptation of dates, decimals and UUIDs)."""
    if value is None:
        return None
    match kind:
        case "decimal":
            return Decimal(value)
        case "bytes":
            return base64.b64decode(value)
        case "uuid":
            return uuid.UUID(value)
        case "datetime":
            return datetime.fromisoformat(value)
        case "date":
            return date.fromisoformat(value)
        case "time":
            return time.fromisoformat(value)
        case "duration":
            return timedelta(microseconds=value)
    return value


def canonical_line(kinds: list[str], values: list) -> bytes:
    """One row in the form its table's checksum is computed over."""
    row = [json.dumps(json.loads(v), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
           if k == "json" and v is not None else v for k, v in zip(kinds, values, strict=True)]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def row_line(values: list) -> bytes:
    """One row as a line of the table's file in the archive."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


@dataclass
class TableDigest:
    """Row count and SHA-256 of a table's canonical rows, fed one row at a time."""

    rows: int = 0
    _hash: object = None

    def __post_init__(self):
        self._hash = hashlib.sha256()

    def add(self, line: bytes) -> None:
        self.rows += 1
        self._hash.update(line)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def insert_order(dependencies: Mapping[str, Iterable[str]]) -> list[str]:
    """Tables in an order where each comes after the tables it refers to, where possible.

    ``dependencies`` maps each table to the tables its foreign keys point at. Ties keep the
    mapping's order. References to itself and cycles do not stop the sort (the database
    checks foreign keys at commit, so their order is only a courtesy): a cycle is broken at
    its first table in the mapping's order.
    """
    remaining = {table: {d for d in deps if d != table and d in dependencies}
                 for table, deps in dependencies.items()}
    ordered: list[str] = []
    while remaining:
        ready = [table for table, deps in remaining.items() if not deps]
        chosen = ready or [next(iter(remaining))]
        for table in chosen:
            del remaining[table]
            ordered.append(table)
        for deps in remaining.values():
            deps.difference_update(chosen)
    return ordered


def migration_difference(here: Mapping[str, Iterable[str]], backup: Mapping[str, Iterable[str]]
                         ) -> tuple[list[str], list[str]]:
    """``(extra, missing)``: migrations applied here but not in the backup, and the other way
    round, each as sorted ``app.name`` labels."""
    def labels(state):
        return {f"{app}.{name}" for app, names in state.items() for name in names}

    mine, theirs = labels(here), labels(backup)
    return sorted(mine - theirs), sorted(theirs - mine)


def safe_member_path(name: str) -> PurePosixPath:
    """A relative path without ``..``: where an archive member may be written.

    Raises:
        ValueError: for an absolute path, an empty one or one that climbs out.
    """
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or name.startswith("\\"):
        raise ValueError(name)
    return path


def media_member(relative: str) -> str:
    return f"media/{relative}"


def table_member(table: str) -> str:
    return f"tables/{table}.jsonl"


BACKUP_NAME = re.compile(r"^zhanggui-(\d{8}T\d{6}Z)\.tar\.gz$")


def scheduled_name(moment: datetime) -> str:
    """The file name of a scheduled backup taken at ``moment`` (sorts by time)."""
    return f"zhanggui-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def names_to_prune(names: Iterable[str], *, keep: int) -> list[str]:
    """The scheduled backups to delete so that the newest ``keep`` (at least one) remain;
    other files are never chosen."""
    ours = sorted(name for name in names if BACKUP_NAME.match(name))
    return ours[:-max(keep, 1)]


def stream_digest(handle: BinaryIO, chunk_size: int = 1 << 20) -> tuple[int, str]:
    """The size and SHA-256 (hex) of everything ``handle`` yields, read in chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(chunk_size):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()
