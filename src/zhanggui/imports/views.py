"""Console pages of imports (mounted by ``admin.ImportRunAdmin.get_urls``): upload with a
dry-run preview, the run page polling a JSON status, the error report and example files.

Every upload first runs as a dry run in the background; its page shows the first mapped
rows and the errors, and — when there were none — a button that starts the real run.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhanggui.core.errors import DomainError
from zhanggui.imports import actions, queries, tasks
from zhanggui.imports.examples import example_csv
from zhanggui.imports.files import store_upload
from zhanggui.imports.forms import UploadForm
from zhanggui.imports.models import ImportKind, ImportRun

RUN_PERMISSION = "imports.run_import"
VIEW_PERMISSION = "imports.view_importrun"
SHOWN_ERRORS = 100


def require(request: HttpRequest, *permissions: str) -> None:
    """Raise ``PermissionDenied`` (403) unless the user holds one of ``permissions``."""
    if not any(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def render(request: HttpRequest, admin_site, template: str, title: str, **context: Any):
    return TemplateResponse(request, f"imports/{template}", {
        **admin_site.each_context(request), "title": title, "opts": ImportRun._meta, **context})


def launch(run: ImportRun) -> None:
    """Start ``run`` in the background (``ZHANGGUI_IMPORTS_INLINE`` runs it in the request,
    for tests and debugging)."""
    if getattr(settings, "ZHANGGUI_IMPORTS_INLINE", False):
        actions.execute_import_run(run)
    else:
        tasks.launch(run.pk)


def _get_run(run_id: int) -> ImportRun:
    try:
        return queries.get_run(run_id)
    except DomainError:
        raise Http404 from None


def run_page_url(run: ImportRun) -> str:
    return reverse("admin:imports_importrun_page", args=[run.pk])


def upload_view(request: HttpRequest, admin_site) -> HttpResponse:
    require(request, RUN_PERMISSION)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = _start_dry_run(request, form)
        if run is not None:
            return redirect(run_page_url(run))
    return render(request, admin_site, "upload.html", _("New import"), form=form,
                  kinds=ImportKind.choices)


def _start_dry_run(request: HttpRequest, form: UploadForm) -> ImportRun | None:
    data = form.cleaned_data
    try:
        profile, saved = queries.resolve_profile(data["kind"], data["format_name"])
        path = store_upload(data["file"])
        item_path = store_upload(data["item_file"]) if data.get("item_file") else None
        run = actions.create_import_run(
            path, kind=data["kind"], profile=profile, actor=request.user, channel=data["channel"],
            dry_run=True, skip_invalid=data["skip_invalid"], file_name=data["file"].name,
            item_path=item_path,
            item_file_name=data["item_file"].name if item_path else "", saved_profile=saved)
    except DomainError as error:
        form.add_error(None, str(error))
        return None
    launch(run)
    return run


def _preview_table(run: ImportRun) -> tuple[list[str], list[list[Any]]]:
    columns: list[str] = []
    for row in run.preview:
        columns += [key for key in row if key not in columns]
    return columns, [[row.get(c, "") for c in columns] for row in run.preview]


def run_page(request: HttpRequest, admin_site, run_id: int) -> HttpResponse:
    require(request, RUN_PERMISSION, VIEW_PERMISSION)
    run = _get_run(run_id)
    columns, rows = _preview_table(run)
    can_confirm = run.can_be_confirmed and request.user.has_perm(RUN_PERMISSION)
    return render(request, admin_site, "run.html", _("Import run #%(id)d") % {"id": run.pk},
                  run=run, status=queries.run_status(run), summary=queries.run_summary(run),
                  preview_columns=columns,
                  preview_rows=rows, errors=queries.error_rows(run, siblings=False)[:SHOWN_ERRORS],
                  sibling_count=run.skipped_row_count - run.failed_count,
                  can_confirm=can_confirm, counts=run.details.get("counts", {}))


def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    require(request, RUN_PERMISSION, VIEW_PERMISSION)
    return JsonResponse(queries.run_status(_get_run(run_id)))


def error_report(request: HttpRequest, run_id: int) -> StreamingHttpResponse:
    require(request, RUN_PERMISSION, VIEW_PERMISSION)
    run = _get_run(run_id)
    response = StreamingHttpResponse(queries.error_report_lines(run), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response


@require_POST
def confirm_run(request: HttpRequest, run_id: int) -> HttpResponse:
    require(request, RUN_PERMISSION)
    dry_run = _get_run(run_id)
    try:
        run = actions.confirm_import_run(dry_run, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(run_page_url(dry_run))
    launch(run)
    return redirect(run_page_url(run))


def example_file(request: HttpRequest, kind: str) -> HttpResponse:
    require(request, RUN_PERMISSION, VIEW_PERMISSION)
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(example_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zhanggui-{kind}-template.csv"'
    return response
