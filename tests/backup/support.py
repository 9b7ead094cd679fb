"""Helpers of the backup tests: table fingerprints, a fresh installation, archive surgery."""

import io
import json
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from zhanggui.accounts.roles import sync_roles
from zhanggui.backup import tables


def fingerprints() -> dict[str, tuple[int, str]]:
    """Row count and checksum of every backed-up table, as the database holds it now."""
    with transaction.atomic():
        return {t.name: (found.rows, found.sha256)
                for t in tables.backed_up_tables() for found in [tables.digest(t)]}


def make_fresh_installation() -> None:
    """Empty every table and put back what ``migrate`` creates (content types and
    permissions through ``post_migrate``, the role groups through the migrations)."""
    call_command("flush", interactive=False, verbosity=0)
    sync_roles()


def rewrite_archive(source: Path, target: Path, change) -> None:
    """Copy a (small) archive, passing each member's name and bytes through ``change``,
    which returns the new bytes."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


def media_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
