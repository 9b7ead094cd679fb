"""Scheduled backups (celery beat; see README)."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from zhanggui.backup import rules
from zhanggui.backup.writer import write_backup


@shared_task(name="zhanggui.backup.tasks.backup_task")
def backup_task(keep: int | None = None) -> str:
    """Write a timestamped backup into ``ZHANGGUI_BACKUP_DIR`` and delete the scheduled
    backups there beyond the newest ``keep`` (``ZHANGGUI_BACKUP_KEEP`` by default).
    Returns the new archive's path."""
    directory = Path(settings.ZHANGGUI_BACKUP_DIR)
    report = write_backup(directory / rules.scheduled_name(timezone.now()))
    keep = settings.ZHANGGUI_BACKUP_KEEP if keep is None else keep
    for name in rules.names_to_prune((p.name for p in directory.iterdir()), keep=keep):
        (directory / name).unlink(missing_ok=True)
    return str(report.path)
