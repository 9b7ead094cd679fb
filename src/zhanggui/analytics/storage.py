"""Where the warehouse lives on disk and how readers find its current version.

Layout under ``settings.ZHANGGUI_WAREHOUSE_DIR``::

    manifest.json          the current version: which Parquet files make each table
    v000007/orders.parquet a table rewritten by refresh 7 (mutable tables: orders, …)
    events/e000007.parquet events appended by refresh 7 (append-only tables grow by parts)
    v000007/visit_days.parquet, visit_days/p000008.parquet
                           derived tables and rollups, written like the facts (``rollups``)
    .lock                  held by the one refresh that may run at a time

A refresh writes new files first and then replaces ``manifest.json`` atomically
(``os.replace``), so a web process reading the warehouse sees either the old version or the
new one, never a half-written table. Files no manifest refers to are removed a while later.
"""

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Old versions stay on disk this long after they stop being current, for readers mid-query.
KEEP_OLD_SECONDS = 600


@dataclass
class Manifest:
    version: int = 0
    built_at: str = ""
    refreshed_at: str = ""
    tables: dict[str, list[str]] = field(default_factory=dict)
    watermarks: dict[str, str | int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)  # digest of each derived table's SQL
    previous: list[str] = field(default_factory=list)  # files of the version before

    def files(self) -> set[str]:
        return {path for paths in self.tables.values() for path in paths}


def root() -> Path:
    return Path(settings.ZHANGGUI_WAREHOUSE_DIR)


def read_manifest(directory: Path | None = None) -> Manifest | None:
    path = (directory or root()) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Manifest(**data)


def write_manifest(manifest: Manifest, directory: Path | None = None) -> None:
    directory = directory or root()
    temporary = directory / f"manifest.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(manifest.__dict__, ensure_ascii=False, indent=1),
                         encoding="utf-8")
    os.replace(temporary, directory / "manifest.json")


def manifest_stamp(directory: Path | None = None) -> float | None:
    """The manifest's modification time: a cheap check whether a new version is out."""
    try:
        return ((directory or root()) / "manifest.json").stat().st_mtime_ns
    except FileNotFoundError:
        return None


@contextmanager
def exclusive(directory: Path | None = None) -> Iterator[Path]:
    """Hold the warehouse's write lock (one refresh at a time on this host)."""
    directory = directory or root()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_unreferenced(manifest: Manifest, directory: Path | None = None) -> None:
    """Delete Parquet files neither the current nor the previous version uses, once they
    are older than ``KEEP_OLD_SECONDS``."""
    directory = directory or root()
    keep = manifest.files() | set(manifest.previous)
    cutoff = time.time() - KEEP_OLD_SECONDS
    for path in directory.rglob("*.parquet"):
        relative = path.relative_to(directory).as_posix()
        if relative not in keep and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
    for sub in directory.iterdir():
        if sub.is_dir() and not any(sub.iterdir()):
            shutil.rmtree(sub, ignore_errors=True)
