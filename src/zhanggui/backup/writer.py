"""Write a backup: one gzip-compressed tar archive of the whole shop.

Layout of the archive, in this order (so a restore reads it in one pass)::

    manifest.json              format, time, database vendor, applied migrations, per table its
                               columns, row count and checksum, per media file its size and
                               checksum (see ``rules``)
    tables/<table>.jsonl       one JSON array per row, in primary-key order
    media/<path>               the files under MEDIA_ROOT
    warehouse/manifest.json    the analytics warehouse's manifest, when there is one

Every table is read inside one snapshot: on PostgreSQL a ``REPEATABLE READ, READ ONLY``
transaction, on SQLite one read transaction (WAL mode gives it a snapshot while writers go
on). The rows go to temporary files first (memory stays small however big the shop is) and
then into the archive, which appears under its final name only when complete.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhanggui.backup import rules, tables
from zhanggui.backup.errors import MediaChanged


@dataclass
class BackupReport:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # rows per table
    media_files: int = 0
    media_bytes: int = 0
    has_warehouse_manifest: bool = False
    seconds: float = 0.0


@contextmanager
def snapshot() -> Iterator[None]:
    """Read everything inside one consistent view of the database.

    Inside a transaction already (a test's), that transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A deferred transaction takes no write lock: the shop keeps selling while it runs.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic():
            yield


def write_backup(output: Path) -> BackupReport:
    """Write a backup of the database, the media files and the warehouse manifest to
    ``output`` (replaced if it exists).

    Raises:
        MediaChanged: when a media file changed while it was being archived.
    """
    started = time.monotonic()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    report = BackupReport(path=output)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".zhanggui-backup-") as work:
        work_dir = Path(work)
        with snapshot():
            migrations = tables.migration_state()
            described = [_dump_table(table, work_dir) for table in tables.backed_up_tables()]
        # Media after the snapshot: every file a backed-up row names existed by then.
        media = _media_files()
        warehouse_manifest = _warehouse_manifest()
        manifest = {
            "format": rules.FORMAT, "format_version": rules.FORMAT_VERSION,
            "created_at": timezone.now().isoformat(), "database_vendor": connection.vendor,
            "migrations": migrations, "tables": described,
            "excluded_tables": rules.EXCLUDED_TABLES,
            "media": [{"path": path, "size": size, "sha256": sha} for path, size, sha in media],
            "warehouse_manifest": _file_entry(warehouse_manifest) if warehouse_manifest else None,
        }
        partial = work_dir / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as archive:
            _add_bytes(archive, rules.MANIFEST_NAME,
                       json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            for entry in described:
                archive.add(work_dir / entry["file"], arcname=entry["file"], recursive=False)
            for path, size, sha in media:
                _add_media(archive, path, size, sha)
            if warehouse_manifest:
                _add_bytes(archive, rules.WAREHOUSE_MANIFEST_NAME, warehouse_manifest)
        os.replace(partial, output)
    report.tables = {entry["table"]: entry["rows"] for entry in described}
    report.media_files, report.media_bytes = len(media), sum(size for _, size, _ in media)
    report.has_warehouse_manifest = warehouse_manifest is not None
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _dump_table(table: tables.Table, work_dir: Path) -> dict:
    member = rules.table_member(table.name)
    path = work_dir / member
    path.parent.mkdir(parents=True, exist_ok=True)
    result = rules.TableDigest()
    kinds = table.kinds
    with open(path, "wb") as handle:
        for values in tables.read_rows(table):
            handle.write(rules.row_line(values))
            result.add(rules.canonical_line(kinds, values))
    return {"table": table.name, "model": table.label, "file": member,
            "columns": table.describe(), "rows": result.rows, "sha256": result.sha256}


def _sha256_file(path: Path) -> tuple[int, str]:
    with open(path, "rb") as handle:
        return rules.stream_digest(handle)


def _media_files() -> list[tuple[str, int, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        size, sha = _sha256_file(path)
        found.append((path.relative_to(root).as_posix(), size, sha))
    return found


def _warehouse_manifest() -> bytes | None:
    try:
        return (Path(settings.ZHANGGUI_WAREHOUSE_DIR) / "manifest.json").read_bytes()
    except FileNotFoundError:
        return None


def _file_entry(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    archive.addfile(info, io.BytesIO(data))


class _HashingReader:
    """Reads a file for the archive and checks it is still the file that was hashed."""

    def __init__(self, handle):
        self._handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add_media(archive: tarfile.TarFile, relative: str, size: int, sha: str) -> None:
    path = Path(settings.MEDIA_ROOT) / relative
    info = tarfile.TarInfo(rules.media_member(relative))
    info.size, info.mode = size, 0o644
    try:
        info.mtime = int(path.stat().st_mtime)
        with open(path, "rb") as handle:
            reader = _HashingReader(handle)
            archive.addfile(info, reader)
    except (FileNotFoundError, OSError) as error:
        raise MediaChanged(path=relative) from error
    if reader.digest.hexdigest() != sha:
        raise MediaChanged(path=relative)
