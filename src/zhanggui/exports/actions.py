"""Writes of exports: asking for one, running it (the Celery task calls this), and deleting
old files. The file is written under a temporary name and renamed when complete, so a
failed or half-written export is never downloaded."""

import contextlib
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.exports import queries, sources, writers
from zhanggui.exports.models import ExportFormat, ExportJob, ExportStatus

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 2000  # rows between two progress updates


@transaction.atomic
def request_export(kind: str, *, file_format: str, parameters: dict, title: str,
                   total_rows: int, actor: Staff) -> ExportJob:
    """Queue an export of ``kind`` (a registered source) for ``actor``.

    Writes the job and an operation-log entry; the Celery task that writes the file is
    sent once the transaction commits.
    """
    job = ExportJob.objects.create(
        requested_by=actor, kind=kind, title=str(title)[:200],
        file_format=ExportFormat(file_format), parameters=parameters,
        rows_total=max(total_rows, 0), language=translation.get_language() or "",
        created_at=timezone.now())
    log_operation(job, action="exports.request_export", actor=actor,
                  after={"kind": kind, "format": file_format, "parameters": parameters,
                         "rows": total_rows})
    job_id = job.pk

    def enqueue() -> None:
        from zhanggui.exports import tasks

        tasks.launch(job_id)

    transaction.on_commit(enqueue)
    return job


def run_export(job: ExportJob) -> ExportJob:
    """Write ``job``'s file, updating its progress as rows go out; record the outcome.

    Runs outside any transaction so that the progress is visible while the file is written.
    Any error marks the job failed with its message and removes the partial file (the
    error is logged, not raised: the job's status is how it is reported).
    """
    if job.status != ExportStatus.QUEUED:
        return job  # a duplicate delivery of the task: the first one owns the job
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        job.refresh_from_db()
        return job
    directory = queries.export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"export-{job.pk}-{secrets.token_hex(8)}.{job.file_format}"
    partial = directory / f"{file_name}.part"
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            export = sources.build(job.kind, job.parameters, job.requested_by)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=export.total_rows)
            written = _write(job, export, partial)
        os.replace(partial, directory / file_name)
    except Exception as error:  # any failure is the job's outcome, reported by its status
        logger.exception("export %s failed", job.pk)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        return _finish(job, status=ExportStatus.FAILED, error=str(error) or type(error).__name__)
    return _finish(job, status=ExportStatus.DONE, rows=written, file_name=file_name,
                   download_name=f"{export.file_stem}.{job.file_format}",
                   size=(directory / file_name).stat().st_size)


def _write(job: ExportJob, export: sources.Export, path: Path) -> int:
    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_written=rows)

    if job.file_format == ExportFormat.CSV:
        with path.open("w", encoding="utf-8", newline="") as stream:
            return writers.write_csv(export, stream, progress=progress, every=PROGRESS_EVERY)
    with path.open("wb") as stream:
        return writers.write_xlsx(export, stream, progress=progress, every=PROGRESS_EVERY)


@transaction.atomic
def _finish(job: ExportJob, *, status: str, rows: int | None = None, file_name: str = "",
            download_name: str = "", size: int = 0, error: str = "") -> ExportJob:
    job.refresh_from_db()
    job.status = status
    job.finished_at = timezone.now()
    job.error = error[:2000]
    job.file_name = file_name
    job.download_name = download_name[:200]
    job.file_size = size
    if rows is not None:
        job.rows_written = rows
        job.rows_total = rows
    job.save()
    log_operation(job, action="exports.finish_export", actor=None,
                  after={"status": status, "rows": job.rows_written, "error": job.error})
    return job


def delete_expired_exports(*, now=None) -> int:
    """Delete the files of exports finished more than ``ZHANGGUI_EXPORT_KEEP_DAYS`` ago
    (the jobs stay, marked as deleted); returns how many files went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ZHANGGUI_EXPORT_KEEP_DAYS)
    expired = ExportJob.objects.filter(finished_at__lt=cutoff, is_file_deleted=False)
    count = 0
    for job in expired.only("pk", "file_name"):
        if job.file_name:
            with contextlib.suppress(FileNotFoundError):
                (queries.export_dir() / job.file_name).unlink()
        ExportJob.objects.filter(pk=job.pk).update(is_file_deleted=True)
        count += 1
    return count
