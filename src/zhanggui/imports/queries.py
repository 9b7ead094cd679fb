"""Reads of the imports app: profiles by name, runs, their progress and error reports."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.imports.models import ImportProfile, ImportRowError, ImportRun
from zhanggui.imports.profiles import BUILTIN, builtin_names, get_builtin
from zhanggui.imports.profiles.base import Profile, profile_from_json

CUSTOM_PREFIX = "custom:"


def progress_key(run_id: int) -> str:
    return f"zhanggui:imports:run:{run_id}:progress"


def get_run(run_id: int) -> ImportRun:
    try:
        return ImportRun.objects.select_related("actor", "profile").get(pk=run_id)
    except ImportRun.DoesNotExist:
        raise NotFound() from None


def list_runs(*, kind: str | None = None) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("actor")
    return qs.filter(kind=kind) if kind else qs


def list_profiles(kind: str | None = None) -> QuerySet[ImportProfile]:
    qs = ImportProfile.objects.all()
    return qs.filter(kind=kind) if kind else qs


def saved_profile_as_profile(saved: ImportProfile) -> Profile:
    return profile_from_json({"name": saved.name, "kind": saved.kind, "columns": saved.columns,
                              "item_columns": saved.options.get("item_columns", {}),
                              "options": {k: v for k, v in saved.options.items()
                                          if k != "item_columns"}},
                             name=f"{CUSTOM_PREFIX}{saved.name}")


def format_choices(kind: str) -> list[tuple[str, str]]:
    """(value, label) of the built-in formats of ``kind`` and the saved custom profiles."""
    choices = [(name, str(BUILTIN[(name, kind)].label)) for name in builtin_names(kind)]
    choices += [(f"{CUSTOM_PREFIX}{p.pk}", _("Custom: %(name)s") % {"name": p.name})
                for p in list_profiles(kind)]
    return choices


def resolve_profile(kind: str, format_name: str, *, profile_file: str | Path | None = None,
                    ) -> tuple[Profile, ImportProfile | None]:
    """The profile to read a file of ``kind`` with: a built-in format by name, a saved
    custom profile (``custom:<id>`` or its name), or a custom-profile JSON file.

    Raises:
        NotFound: no such format or saved profile.
        InvalidInput: the profile is for another kind, or the JSON file is not a usable profile.
    """
    if profile_file:
        try:
            data = json.loads(Path(profile_file).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as error:
            raise InvalidInput(_("Cannot read the profile file: %(error)s"), error=str(error)) from None
        profile = profile_from_json({"kind": kind, **data})
        return _same_kind(profile, kind), None
    if (format_name, kind) in BUILTIN:
        return get_builtin(format_name, kind), None
    saved = _saved_profile(format_name)
    if saved is None:
        return get_builtin(format_name, kind), None  # raises NotFound listing the choices
    return _same_kind(saved_profile_as_profile(saved), kind), saved


def _saved_profile(format_name: str) -> ImportProfile | None:
    if format_name.startswith(CUSTOM_PREFIX) and format_name[len(CUSTOM_PREFIX):].isdigit():
        return ImportProfile.objects.filter(pk=int(format_name[len(CUSTOM_PREFIX):])).first()
    return ImportProfile.objects.filter(name=format_name.removeprefix(CUSTOM_PREFIX)).first()


def _same_kind(profile: Profile, kind: str) -> Profile:
    if profile.kind != kind:
        raise InvalidInput(_("The profile reads %(theirs)s, not %(ours)s."),
                           theirs=profile.kind, ours=kind)
    return profile


def run_summary(run: ImportRun) -> str:
    """What came of a run, in the current language."""
    if not run.is_finished:
        return ""
    if run.message:
        return run.message
    numbers = {"rows": run.rows_read, "created": run.created_count, "updated": run.updated_count,
               "skipped": run.skipped_count, "errors": run.error_count, "failed": run.failed_count,
               "records": run.imported_record_count, "imported_rows": run.imported_row_count,
               "invalid": run.skipped_record_count, "invalid_rows": run.skipped_row_count}
    if run.is_skip_invalid and run.error_count:
        return _skip_summary(run, numbers)
    if run.error_count:
        return _("%(errors)d error(s) in %(failed)d row(s); nothing was imported.") % numbers
    if run.is_dry_run:
        return _("Dry run: %(rows)d rows valid; %(created)d would be created, %(updated)d updated, "
                 "%(skipped)d unchanged. Nothing was written.") % numbers
    return _("%(rows)d rows imported: %(created)d created, %(updated)d updated, "
             "%(skipped)d unchanged.") % numbers


def _skip_summary(run: ImportRun, numbers: dict[str, int]) -> str:
    """A skip-invalid run that met errors: how many records were imported and skipped."""
    if not run.imported_record_count:
        return _("%(errors)d error(s); no record is valid (%(invalid)d skipped, %(invalid_rows)d "
                 "rows); nothing was imported.") % numbers
    if run.is_dry_run:
        return _("Dry run: %(records)d records (%(imported_rows)d rows) valid — %(created)d would "
                 "be created, %(updated)d updated, %(skipped)d unchanged; %(invalid)d records "
                 "(%(invalid_rows)d rows) would be skipped. Nothing was written.") % numbers
    return _("%(records)d records imported (%(imported_rows)d rows): %(created)d created, "
             "%(updated)d updated, %(skipped)d unchanged; %(invalid)d records skipped "
             "(%(invalid_rows)d rows), listed in the error report.") % numbers


def run_status(run: ImportRun) -> dict[str, Any]:
    """What the run page polls: status, progress and counts (live progress from the cache)."""
    live = cache.get(progress_key(run.pk)) or {}
    finished = run.is_finished
    return {
        "id": run.pk, "status": run.status, "status_label": str(run.get_status_display()),
        "is_finished": finished, "is_dry_run": run.is_dry_run, "mode": run.mode,
        "progress": 1.0 if finished else live.get("progress", run.progress),
        "rows_read": run.rows_read if finished else live.get("rows_read", run.rows_read),
        "created": run.created_count, "updated": run.updated_count,
        "skipped": run.skipped_count, "failed": run.failed_count, "errors": run.error_count,
        "imported_records": run.imported_record_count, "imported_rows": run.imported_row_count,
        "skipped_records": run.skipped_record_count, "skipped_rows": run.skipped_row_count,
        "message": run_summary(run),
    }


def error_rows(run: ImportRun, *, siblings: bool = True) -> QuerySet[ImportRowError]:
    """The run's failed rows and (unless ``siblings`` is false) the valid rows left out
    with their record in skip mode, in file order."""
    rows = run.row_errors.all() if siblings else run.row_errors.filter(is_sibling=False)
    return rows.order_by("source", "line", "is_sibling", "id")


def error_report_lines(run: ImportRun) -> Iterator[str]:
    """The error report as CSV text lines (UTF-8 with BOM so Excel shows Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "column", "value", "reason"])
    yield "\ufeff" + buffer.getvalue()
    for error in error_rows(run).iterator():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([error.source or "main", error.line, error.column, error.value, error.reason])
        yield buffer.getvalue()
