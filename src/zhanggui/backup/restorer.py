"""Restore a backup into a fresh installation (migrated, no shop data yet).

The archive is read once, front to back. Before anything is written the restore checks the
manifest: the format, the migration state (it must equal the backup's), the tables and
their columns, that no backed-up table holds data (the content types, permissions and role
groups ``migrate`` creates excepted: their rows are replaced by the backup's, whose ids the
other rows refer to) and that no media file would be overwritten with other contents.

Then, in one transaction: the rows are inserted in bulk, table after table (foreign keys are
checked at the end), every table's rows are checked against the manifest's count and
checksum as read from the archive and again as read back from the database, and
PostgreSQL's sequences are moved past the restored ids. Media files are unpacked into a
staging folder beside MEDIA_ROOT meanwhile, checked, and moved into place only after the
commit. Any refusal or mismatch rolls everything back: nothing is changed.

The analytics warehouse is derived data: its Parquet files are not in a backup. The restore
puts the backup's warehouse manifest in place (so version numbers go on growing) and
rebuilds the warehouse from the restored database.
"""

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction

from zhanggui.analytics.actions import refresh_warehouse
from zhanggui.backup import rules, tables
from zhanggui.backup.errors import (
    ArchiveInvalid,
    ChecksumMismatch,
    DatabaseNotEmpty,
    MediaConflict,
    MigrationMismatch,
)

INSERT_ROWS = 500
CHUNK = 1 << 20
LISTED = 8  # names shown in a refusal before "…"


@dataclass
class RestoreReport:
    created_at: str = ""  # when the backup was taken
    tables: dict[str, int] = field(default_factory=dict)  # rows per table, verified
    media_files: int = 0
    warehouse_version: int | None = None
    warehouse_error: str = ""
    seconds: float = 0.0


def _listing(names: list[str]) -> str:
    if not names:
        return "—"
    shown = ", ".join(names[:LISTED])
    return shown if len(names) <= LISTED else f"{shown}, … ({len(names)})"


def restore_backup(source: Path, *, rebuild_warehouse: bool = True) -> RestoreReport:
    """Restore the backup at ``source``.

    Raises:
        ArchiveInvalid: not a backup, an unknown format, unreadable or truncated.
        MigrationMismatch: the applied migrations differ from the backup's.
        DatabaseNotEmpty: a backed-up table already holds rows.
        MediaConflict: MEDIA_ROOT already holds one of the backup's files with other bytes.
        ChecksumMismatch: a table or file does not match the manifest.
    """
    started = time.monotonic()
    try:
        with tarfile.open(source, "r|gz") as archive:
            report, warehouse_manifest = _restore(archive)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveInvalid(reason=str(error) or type(error).__name__) from error
    except FileNotFoundError as error:
        raise ArchiveInvalid(reason=str(error)) from error
    if rebuild_warehouse:
        _rebuild_warehouse(report, warehouse_manifest)
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _restore(archive: tarfile.TarFile) -> tuple[RestoreReport, bytes | None]:
    members = iter(archive)
    first = next(members, None)
    if first is None or first.name != rules.MANIFEST_NAME:
        raise ArchiveInvalid(reason=f"{rules.MANIFEST_NAME} is not its first entry")
    manifest = _read_manifest(archive.extractfile(first).read())
    local = {table.name: table for table in tables.backed_up_tables()}
    _check_state(manifest, local)
    entries = {entry["file"]: entry for entry in manifest["tables"]}
    media = {rules.media_member(item["path"]): item for item in manifest["media"]}
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".zhanggui-restore-"))
    warehouse_manifest = None
    try:
        with transaction.atomic():
            _clear_replaced_tables(local)
            seen = set()
            for member in members:
                if member.name in entries:
                    entry = entries[member.name]
                    _load_table(archive.extractfile(member), entry, local[entry["table"]])
                elif member.name in media:
                    _stage_media(archive.extractfile(member), media[member.name], staging)
                elif member.name == rules.WAREHOUSE_MANIFEST_NAME and manifest["warehouse_manifest"]:
                    warehouse_manifest = _checked(archive.extractfile(member).read(),
                                                  manifest["warehouse_manifest"], member.name)
                else:
                    raise ArchiveInvalid(reason=f"unexpected entry {member.name}")
                seen.add(member.name)
            missing = sorted((set(entries) | set(media)) - seen)
            if manifest["warehouse_manifest"] and warehouse_manifest is None:
                missing.append(rules.WAREHOUSE_MANIFEST_NAME)
            if missing:
                raise ArchiveInvalid(reason=f"missing entries {_listing(missing)}")
            _finish_database(local)
            report = _verify(manifest, local)
        ContentType.objects.clear_cache()
        report.media_files = _install_media(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.created_at = manifest["created_at"]
    return report, warehouse_manifest


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        if manifest.get("format") != rules.FORMAT:
            raise ArchiveInvalid(reason="not a Zhanggui backup")
        if manifest.get("format_version") != rules.FORMAT_VERSION:
            raise ArchiveInvalid(reason=f"format version {manifest.get('format_version')}, "
                                        f"this Zhanggui reads {rules.FORMAT_VERSION}")
        for item in manifest["media"]:
            rules.safe_member_path(item["path"])
        absent = [key for key in ("created_at", "migrations", "tables", "warehouse_manifest")
                  if key not in manifest]
        if absent:
            raise ArchiveInvalid(reason=f"{rules.MANIFEST_NAME} lacks {', '.join(absent)}")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ArchiveInvalid(reason=f"{rules.MANIFEST_NAME}: {error!r}") from error
    return manifest


def _check_state(manifest: dict, local: dict[str, tables.Table]) -> None:
    """Refuse, before anything is written, a restore that cannot be complete and exact."""
    extra, missing = rules.migration_difference(tables.migration_state(), manifest["migrations"])
    if extra or missing:
        raise MigrationMismatch(extra=_listing(extra), missing=_listing(missing))
    archived = {entry["table"]: entry for entry in manifest["tables"]}
    if set(archived) != set(local):
        differing = sorted(set(archived) ^ set(local))
        raise ArchiveInvalid(reason=f"tables differ from this installation's: {_listing(differing)}")
    changed = [name for name, table in local.items() if archived[name]["columns"] != table.describe()]
    if changed:
        raise ArchiveInvalid(reason=f"columns differ from this installation's: {_listing(changed)}")
    filled = tables.tables_with_rows([t for name, t in local.items() if name not in rules.REPLACED_TABLES])
    if filled:
        raise DatabaseNotEmpty(tables=_listing(filled))
    root = Path(settings.MEDIA_ROOT)
    conflicts = [item["path"] for item in manifest["media"]
                 if (root / item["path"]).exists() and _file_digest(root / item["path"])
                 != (item["size"], item["sha256"])]
    if conflicts:
        raise MediaConflict(paths=_listing(conflicts))


def _clear_replaced_tables(local: dict[str, tables.Table]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in rules.REPLACED_TABLES:
            if name in local:
                cursor.execute(f"DELETE FROM {quote(name)}")


def _same(value):
    return value


def _adapter(column: tables.Column):
    """A function from a portable value to what the database driver is given."""
    ops, features, kind = connection.ops, connection.features, column.kind
    if (kind == "uuid" and not features.has_native_uuid_field) or (
            kind == "duration" and not features.has_native_duration_field):
        return _same  # stored as the portable form: 32 hex digits, microseconds
    adapt = {"datetime": ops.adapt_datetimefield_value, "date": ops.adapt_datefield_value,
             "time": ops.adapt_timefield_value}.get(kind, _same)

    def convert(value):
        return None if value is None else adapt(rules.python_value(kind, value))

    return convert


def _load_table(handle, entry: dict, table: tables.Table) -> None:
    quote = connection.ops.quote_name
    written = [(index, column) for index, column in enumerate(table.columns) if not column.is_generated]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for _, c in written)}) "
           f"VALUES ({', '.join(['%s'] * len(written))})")
    converters = [(index, _adapter(column)) for index, column in written]
    kinds, result, batch = table.kinds, rules.TableDigest(), []
    with connection.cursor() as cursor:
        for line in handle:
            try:
                values = json.loads(line)
                result.add(rules.canonical_line(kinds, values))
                batch.append([convert(values[index]) for index, convert in converters])
            except (ValueError, TypeError, IndexError) as error:
                raise ChecksumMismatch(item=f"{entry['file']} row {result.rows + 1}") from error
            if len(batch) >= INSERT_ROWS:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    if (result.rows, result.sha256) != (entry["rows"], entry["sha256"]):
        raise ChecksumMismatch(item=entry["file"])


def _finish_database(local: dict[str, tables.Table]) -> None:
    """Check the foreign keys now and move the id sequences past the restored rows."""
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            connection.check_constraints(table_names=list(local))
    except IntegrityError as error:
        raise ArchiveInvalid(reason=str(error)) from error
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in local.values()])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _verify(manifest: dict, local: dict[str, tables.Table]) -> RestoreReport:
    """Read every restored table back and compare it with the manifest."""
    report = RestoreReport()
    for entry in manifest["tables"]:
        found = tables.digest(local[entry["table"]])
        if (found.rows, found.sha256) != (entry["rows"], entry["sha256"]):
            raise ChecksumMismatch(item=f"{entry['table']} (read back from the database)")
        report.tables[entry["table"]] = found.rows
    return report


def _file_digest(path: Path) -> tuple[int, str]:
    with open(path, "rb") as handle:
        return rules.stream_digest(handle)


def _stage_media(handle, item: dict, staging: Path) -> None:
    target = staging / rules.safe_member_path(item["path"])
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if (size, digest.hexdigest()) != (item["size"], item["sha256"]):
        raise ChecksumMismatch(item=rules.media_member(item["path"]))


def _checked(data: bytes, item: dict, name: str) -> bytes:
    if (len(data), hashlib.sha256(data).hexdigest()) != (item["size"], item["sha256"]):
        raise ChecksumMismatch(item=name)
    return data


def _install_media(staging: Path, media_root: Path) -> int:
    count = 0
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = media_root / staged.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        count += 1
    return count


def _rebuild_warehouse(report: RestoreReport, warehouse_manifest: bytes | None) -> None:
    """Put the backup's warehouse manifest in place and rebuild the warehouse from the
    restored database (its Parquet files are derived data, not in the backup)."""
    directory = Path(settings.ZHANGGUI_WAREHOUSE_DIR)
    try:
        if warehouse_manifest is not None:
            directory.mkdir(parents=True, exist_ok=True)
            temporary = directory / f"manifest.{os.getpid()}.restore.tmp"
            temporary.write_bytes(warehouse_manifest)
            os.replace(temporary, directory / "manifest.json")
        # What is computed on top of the warehouse (forecasts, segments, campaign results)
        # came back with the database: recomputing it now would change the restored rows.
        report.warehouse_version = refresh_warehouse(actor=None, full=True,
                                                     compute_on_top=False).version
    except Exception as error:  # the shop is restored; the warehouse can be rebuilt later
        report.warehouse_error = str(error) or type(error).__name__
