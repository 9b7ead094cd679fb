"""Writes of the imports app: import runs and saved custom profiles.

``execute_import_run`` is the one path every import takes (CLI, console, Celery task,
benchmark). A run's business writes happen in one transaction — the batch is the whole
file — and are rolled back when any row failed or when it is a dry run. In the
skip-invalid mode the batch is every valid record of the file: they are written in one
transaction (all of them, or none if the database refuses one) and the invalid ones are
reported. The run record, its row errors and one operation-log entry are written after
that transaction, so a failed or dry run is recorded too.
"""

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import InvalidInput
from zhanggui.events import actions as events
from zhanggui.imports.files import file_sha256
from zhanggui.imports.mapping import RowError
from zhanggui.imports.models import ImportProfile, ImportRowError, ImportRun, RunMode, RunStatus
from zhanggui.imports.pipeline import ImportRequest, Outcome, Pipeline, Progress
from zhanggui.imports.profiles import BUILTIN, get_builtin
from zhanggui.imports.profiles.base import Profile, profile_from_json
from zhanggui.imports.queries import progress_key

logger = logging.getLogger(__name__)
PRIMARY_ENTITY = {"orders": "orders", "customers": "customers", "products": "skus"}
LOGGED_FIELDS = ("kind", "format_name", "channel", "file_name", "file_sha256", "item_file_name",
                 "item_file_sha256", "mode", "is_dry_run", "status", "rows_read", "created_count",
                 "updated_count", "skipped_count", "failed_count", "error_count",
                 "imported_record_count", "imported_row_count", "skipped_record_count",
                 "skipped_row_count")


def create_import_run(path: str | Path, *, kind: str, profile: Profile, actor: Staff | None,
                      channel: str = "", dry_run: bool = False, skip_invalid: bool = False,
                      file_name: str = "", item_path: str | Path | None = None,
                      item_file_name: str = "",
                      saved_profile: ImportProfile | None = None) -> ImportRun:
    """Record a queued import of the file at ``path`` (and Taobao's item-detail file).

    ``skip_invalid``: import every valid record and report the others, instead of
    importing nothing when any row is invalid.

    Raises:
        InvalidInput: the file does not exist, or an item-detail file for a profile without one.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(_("No file %(path)s."), path=str(path))
    if item_path and not profile.item_columns:
        raise InvalidInput(_("The %(format)s format takes no item-detail file."), format=profile.name)
    if item_path and not Path(item_path).is_file():
        raise InvalidInput(_("No file %(path)s."), path=str(item_path))
    return ImportRun.objects.create(
        kind=kind, format_name=profile.name, profile=saved_profile,
        profile_snapshot=profile.to_json(),
        channel=(channel or profile.options.default_channel)[:30],
        file_name=(file_name or path.name)[:255], file_path=str(path.resolve()),
        file_sha256=file_sha256(path), file_size=path.stat().st_size,
        item_file_name=(item_file_name or (Path(item_path).name if item_path else ""))[:255],
        item_file_path=str(Path(item_path).resolve()) if item_path else "",
        item_file_sha256=file_sha256(item_path) if item_path else "",
        mode=RunMode.SKIP_INVALID if skip_invalid else RunMode.ALL_OR_NOTHING,
        is_dry_run=dry_run, actor=actor)


def run_profile(run: ImportRun) -> Profile:
    """The profile a run was created with (built-in by name, custom from its snapshot)."""
    if (run.format_name, run.kind) in BUILTIN:
        return get_builtin(run.format_name, run.kind)
    return profile_from_json(run.profile_snapshot, name=run.format_name)


def _reporter(run: ImportRun, progress: Progress | None) -> Progress:
    key = progress_key(run.pk)

    def report(rows_read: int, fraction: float) -> None:
        cache.set(key, {"rows_read": rows_read, "progress": round(fraction, 4)}, 24 * 3600)
        if progress:
            progress(rows_read, fraction)

    return report


def execute_import_run(run: ImportRun, *, progress: Progress | None = None) -> ImportRun:
    """Run a queued import: validate every row and write the file as one batch.

    Nothing is written when any row fails (skip-invalid mode: the records with a failing
    row are left out, the others written) or when the run is a dry run (it is rolled back
    after counting what it would create). Row errors — and in skip mode the valid rows
    left out with their record — are stored for the error report; one operation-log
    entry records who, the file, its SHA-256 and the counts.
    """
    run.status = RunStatus.VALIDATING if run.is_dry_run else RunStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    request = ImportRequest(
        kind=run.kind, profile=run_profile(run), channel=run.channel, path=Path(run.file_path),
        item_path=Path(run.item_file_path) if run.item_file_path else None, actor=run.actor,
        skip_invalid=run.is_skip_invalid)
    pipeline = Pipeline(request, progress=_reporter(run, progress))
    try:
        with transaction.atomic():
            outcome = pipeline.run()
            if not outcome.applies or run.is_dry_run:
                transaction.set_rollback(True)
            else:
                _record_applied(run, outcome)
    except DatabaseError as error:  # a constraint the row checks did not foresee
        outcome = pipeline.outcome
        outcome.fatal = _("The database refused the import: %(error)s") % {"error": error}
    except Exception as error:  # recorded on the run, so a background run never hangs
        logger.exception("import run %s crashed", run.pk)
        outcome = pipeline.outcome
        outcome.fatal = _("The import stopped on an internal error: %(error)s") % {"error": error}
    return _finish(run, outcome)


def _record_applied(run: ImportRun, outcome: Outcome) -> None:
    """The import's one event, in the transaction of its rows (it writes none per row); none
    when it created and updated nothing (a file imported again)."""
    if not any(count for name, count in outcome.counts.items()
               if name.endswith(("_created", "_updated"))):
        return
    events.record("import.applied", subject_id=run.pk, data={
        "import_run_id": run.pk, "kind": run.kind, "format_name": run.format_name,
        "channel": run.channel, "file_sha256": run.file_sha256, "rows_read": outcome.rows_read,
        "counts": {name: count for name, count in sorted(outcome.counts.items()) if count},
        "started_at": run.started_at})


def _status(outcome: Outcome) -> str:
    if not outcome.applies:
        return RunStatus.FAILED
    return RunStatus.SUCCEEDED if outcome.ok else RunStatus.COMPLETED_WITH_SKIPS


@transaction.atomic
def _finish(run: ImportRun, outcome: Outcome) -> ImportRun:
    entity = PRIMARY_ENTITY[run.kind]
    applied = outcome.applies
    counts = outcome.counts if applied else Counter()  # what a rolled-back run wrote is gone
    run.status = _status(outcome)
    run.rows_read = outcome.rows_read
    run.created_count = counts[f"{entity}_created"]
    run.updated_count = counts[f"{entity}_updated"]
    run.skipped_count = counts[f"{entity}_skipped"]
    run.failed_count = len(outcome.failed_lines)
    run.error_count = outcome.error_count
    run.imported_record_count = outcome.imported_records if applied else 0
    run.imported_row_count = outcome.imported_rows
    if run.is_skip_invalid:
        run.skipped_record_count = len(outcome.skipped_keys)
        run.skipped_row_count = outcome.skipped_rows
    run.details = {"counts": dict(sorted(counts.items())), "header": outcome.header,
                   "applied": applied and not run.is_dry_run,
                   "skipped_rows_not_listed": max(0, outcome.sibling_count - len(outcome.siblings))}
    run.preview = outcome.preview
    run.message = outcome.fatal  # the summary is worded when shown (queries.run_summary)
    run.progress = 1.0
    run.finished_at = timezone.now()
    run.save()
    ImportRowError.objects.bulk_create(
        [*(_row_error(run, error) for error in outcome.errors),
         *(_row_error(run, row, is_sibling=True) for row in outcome.siblings)],
        batch_size=2000)
    log_operation(run, action="imports.dry_run" if run.is_dry_run else "imports.run_import",
                  actor=run.actor, after={**snapshot(run, LOGGED_FIELDS), "counts": dict(counts)},
                  note=f"{run.file_name} sha256={run.file_sha256[:12]}")
    cache.delete(progress_key(run.pk))
    return run


def _row_error(run: ImportRun, error: RowError, *, is_sibling: bool = False) -> ImportRowError:
    return ImportRowError(run=run, source=error.source, line=error.line, column=error.column[:120],
                          value=error.value[:200], reason=error.reason[:300], is_sibling=is_sibling)


def confirm_import_run(dry_run: ImportRun, *, actor: Staff | None) -> ImportRun:
    """A queued real run of the same file, profile, channel and mode as a successful dry
    run (skip mode: one that found valid records).

    Raises:
        InvalidInput: the run is not a finished dry run with something to import.
    """
    if not dry_run.can_be_confirmed:
        raise InvalidInput(_("Only a dry run without errors (or, skipping invalid records, "
                             "with valid ones) can be confirmed."))
    return ImportRun.objects.create(
        kind=dry_run.kind, format_name=dry_run.format_name, profile=dry_run.profile,
        profile_snapshot=dry_run.profile_snapshot, channel=dry_run.channel,
        file_name=dry_run.file_name, file_path=dry_run.file_path,
        file_sha256=dry_run.file_sha256, file_size=dry_run.file_size,
        item_file_name=dry_run.item_file_name, item_file_path=dry_run.item_file_path,
        item_file_sha256=dry_run.item_file_sha256, mode=dry_run.mode, is_dry_run=False,
        actor=actor, details={"dry_run": dry_run.pk})


PROFILE_FIELDS = ("name", "kind", "columns", "options")


@transaction.atomic
def save_import_profile(name: str, *, kind: str, columns: dict[str, Any], actor: Staff | None,
                        options: dict[str, Any] | None = None,
                        profile: ImportProfile | None = None) -> ImportProfile:
    """Create (or, given ``profile``, update) a custom profile after checking it is usable.

    Raises:
        InvalidInput: unknown fields or options, or a required field left unmapped.
    """
    options = options or {}
    profile_from_json({"name": name, "kind": kind, "columns": columns,
                       "item_columns": options.get("item_columns", {}),
                       "options": {k: v for k, v in options.items() if k != "item_columns"}})
    clash = ImportProfile.objects.filter(name=name).exclude(pk=profile.pk if profile else None)
    if clash.exists() or (name, kind) in BUILTIN:
        raise InvalidInput(_("A profile named %(name)s exists already."), name=name)
    before = snapshot(profile, PROFILE_FIELDS) if profile else None
    profile = profile or ImportProfile(created_by=actor)
    profile.name, profile.kind, profile.columns, profile.options = name, kind, columns, options
    profile.save()
    log_operation(profile, action="imports.save_profile", actor=actor, before=before,
                  after=snapshot(profile, PROFILE_FIELDS))
    return profile


@transaction.atomic
def delete_import_profile(profile: ImportProfile, *, actor: Staff | None) -> None:
    log_operation(profile, action="imports.delete_profile", actor=actor,
                  before=snapshot(profile, PROFILE_FIELDS))
    profile.delete()
