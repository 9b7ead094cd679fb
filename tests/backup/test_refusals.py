"""A restore that cannot be complete and exact is refused with a clear message, before
anything is changed."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests import factories
from tests.backup.support import fingerprints, media_bytes, rewrite_archive


def _backup(tmp_path):
    archive = tmp_path / "shop.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    return archive


def test_restore_into_a_database_with_shop_data_is_refused(db, tmp_path, media_root):
    factories.make_order(customer=factories.make_customer())
    archive = _backup(tmp_path)
    before, files = fingerprints(), media_bytes(media_root)

    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--skip-warehouse", stdout=StringIO())

    message = str(refused.value)
    assert message.startswith("The database already holds shop data (")
    assert "customers_customer" in message and "inventory_warehouse" in message
    assert "Nothing was changed." in message
    assert fingerprints() == before
    assert media_bytes(media_root) == files


def test_restore_with_other_migrations_is_refused_naming_them(db, tmp_path, media_root):
    archive, other = _backup(tmp_path), tmp_path / "other.tar.gz"

    def other_migrations(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["orders"].append("0099_from_the_future")
        manifest["migrations"]["catalog"].remove("0001_initial")
        return json.dumps(manifest).encode()

    rewrite_archive(archive, other, other_migrations)
    before = fingerprints()

    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(other), "--skip-warehouse", stdout=StringIO())

    message = str(refused.value)
    assert "migrations differ" in message
    assert "not in the backup: catalog.0001_initial." in message
    assert "not applied here: orders.0099_from_the_future." in message
    assert fingerprints() == before


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all" * 100)
    before = fingerprints()

    with translation.override("en"), pytest.raises(CommandError, match="not a readable Zhanggui backup"):
        call_command("restore", str(junk), stdout=StringIO())

    assert fingerprints() == before


def test_a_truncated_backup_is_refused(db, tmp_path, media_root):
    archive = _backup(tmp_path)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with translation.override("en"), pytest.raises(CommandError, match="not a readable Zhanggui backup"):
        call_command("restore", str(truncated), stdout=StringIO())


def test_restore_over_other_media_files_is_refused(db, tmp_path, media_root, settings):
    archive = _backup(tmp_path)
    (media_root / "products" / "2026" / "cover.jpg").write_bytes(b"another picture")

    with translation.override("en"), pytest.raises(CommandError, match=r"products/2026/cover\.jpg"):
        call_command("restore", str(archive), "--skip-warehouse", stdout=StringIO())

    assert (media_root / "products" / "2026" / "cover.jpg").read_bytes() == b"another picture"
