"""Console pages of exports: answering an export request (the file right away when small,
a background job when large), the job's progress page, its JSON status and its download.
Thin: parse, authorise, call, render."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from zhanggui.core.errors import DomainError
from zhanggui.exports import actions, queries, writers
from zhanggui.exports.models import ExportJob
from zhanggui.exports.sources import Export

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def attachment(content: bytes, *, file_name: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = _disposition(file_name)
    return response


def _disposition(file_name: str) -> str:
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def export_response(request: HttpRequest, export: Export, *, kind: str, parameters: dict,
                    file_format: str) -> HttpResponse:
    """Answer an export POST: the file itself when it has at most
    ``ZHANGGUI["EXPORT_BACKGROUND_ROWS"]`` rows, otherwise a background job and a redirect
    to its progress page. The caller has checked the permission."""
    if export.total_rows <= queries.background_threshold():
        return attachment(writers.to_bytes(export, file_format),
                          file_name=f"{export.file_stem}.{file_format}", file_format=file_format)
    job = actions.request_export(kind, file_format=file_format, parameters=parameters,
                                 title=export.title or export.file_stem,
                                 total_rows=export.total_rows, actor=request.user)
    return redirect(job_page_url(job))


def job_page_url(job: ExportJob) -> str:
    return reverse("admin:exports_exportjob_page", args=[job.pk])


def _visible_job(request: HttpRequest, job_id: int) -> ExportJob:
    try:
        job = queries.get_job(job_id)
    except DomainError:
        raise Http404 from None
    if not queries.can_see(request.user, job):
        raise PermissionDenied
    return job


def job_page(request: HttpRequest, admin_site, job_id: int) -> HttpResponse:
    job = _visible_job(request, job_id)
    context = {**admin_site.each_context(request), "title": _("Export"), "job": job,
               "status": queries.job_status(job), "opts": ExportJob._meta,
               "recent": queries.list_jobs(request.user).exclude(pk=job.pk)[:10]}
    return TemplateResponse(request, "exports/job.html", context)


def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    return JsonResponse(queries.job_status(_visible_job(request, job_id)))


def download(request: HttpRequest, job_id: int) -> FileResponse:
    job = _visible_job(request, job_id)
    try:
        path = queries.file_of(job)
    except DomainError:
        raise Http404 from None
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[job.file_format])
    response["Content-Disposition"] = _disposition(job.download_name or path.name)
    return response
