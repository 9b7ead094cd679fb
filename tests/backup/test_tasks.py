"""The scheduled backup writes a timestamped archive and keeps the newest few."""

from pathlib import Path

from zhanggui.backup import rules
from zhanggui.backup.tasks import backup_task


def test_backup_task_writes_a_timestamped_archive_and_prunes_old_ones(db, settings, tmp_path, media_root):
    settings.ZHANGGUI_BACKUP_DIR = tmp_path / "backups"
    settings.ZHANGGUI_BACKUP_DIR.mkdir()
    old = [settings.ZHANGGUI_BACKUP_DIR / f"zhanggui-2020010{day}T000000Z.tar.gz" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"old")
    (settings.ZHANGGUI_BACKUP_DIR / "keep-me.txt").write_text("not a backup")

    written = Path(backup_task.delay(keep=2).get())

    assert rules.BACKUP_NAME.match(written.name)
    assert sorted(p.name for p in settings.ZHANGGUI_BACKUP_DIR.iterdir()) == sorted(
        [old[2].name, written.name, "keep-me.txt"])
