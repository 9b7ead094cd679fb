"""Reads of exports: one job, a staff member's recent jobs, who may see a job, its status."""

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext

from zhanggui.exports.errors import ExportNotFound, ExportNotReady
from zhanggui.exports.models import ExportJob, ExportStatus

VIEW_EVERY = "exports.view_every_export"


def export_dir() -> Path:
    return Path(settings.ZHANGGUI_EXPORT_DIR)


def background_threshold() -> int:
    """Exports with more rows than this run in the background."""
    return int(settings.ZHANGGUI["EXPORT_BACKGROUND_ROWS"])


def get_job(job_id: int) -> ExportJob:
    try:
        return ExportJob.objects.select_related("requested_by").get(pk=job_id)
    except ExportJob.DoesNotExist:
        raise ExportNotFound() from None


def can_see(staff, job: ExportJob) -> bool:
    """The requester, and whoever may see every export (the owner)."""
    return job.requested_by_id == staff.pk or staff.has_perm(VIEW_EVERY)


def list_jobs(staff) -> QuerySet[ExportJob]:
    """The jobs ``staff`` may see, newest first."""
    jobs = ExportJob.objects.select_related("requested_by")
    return jobs if staff.has_perm(VIEW_EVERY) else jobs.filter(requested_by=staff)


def file_of(job: ExportJob) -> Path:
    """The finished file of ``job``.

    Raises:
        ExportNotReady: not done (queued, running, failed) or its file was deleted.
    """
    path = export_dir() / job.file_name if job.file_name else None
    if job.status != ExportStatus.DONE or job.is_file_deleted or path is None or not path.is_file():
        raise ExportNotReady()
    return path


def job_status(job: ExportJob) -> dict:
    """What the progress page polls."""
    return {"id": job.pk, "status": job.status, "status_label": job.get_status_display(),
            "rows_written": job.rows_written, "rows_total": job.rows_total,
            "progress": round(job.progress, 4), "is_finished": job.is_finished,
            "error": job.error,
            "message": gettext("%(written)s of %(total)s rows written") % {
                "written": job.rows_written, "total": job.rows_total}}
