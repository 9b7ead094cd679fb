"""``zhanggui import KIND FILE``: import products, customers or orders from a CSV or .xlsx file.

    zhanggui import orders shop.csv --format taobao --item-file items.csv --dry-run
    zhanggui import orders online_retail.csv.gz --format online_retail
    zhanggui import customers crm.xlsx --profile-file my_crm.json --error-report errors.csv
    zhanggui import orders export.csv --format online_retail --skip-invalid --error-report errors.csv

Exit status: 0 when the run succeeded, and with ``--skip-invalid`` also when it imported
the valid records and skipped others (the counts are printed); 1 when nothing could be
imported — any failing row without ``--skip-invalid``, no valid record with it, or an
unreadable file. See docs/imports.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from zhanggui.accounts.models import Staff
from zhanggui.core.errors import DomainError
from zhanggui.imports import actions, queries
from zhanggui.imports.models import ImportKind, ImportRun, RunStatus

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import products, customers or orders from a CSV (any common encoding) or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", default="zhanggui", dest="format_name",
                            help="zhanggui, taobao, shopify, online_retail or a saved custom profile")
        parser.add_argument("--channel", default="",
                            help="sales channel of the records (default: the format's)")
        parser.add_argument("--dry-run", action="store_true", help="validate everything, write nothing")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="import every valid order, product or customer and report the "
                                 "rest (default: import nothing when any row is invalid)")
        parser.add_argument("--profile-file", type=Path, help="custom profile (JSON column mapping)")
        parser.add_argument("--item-file", type=Path, help="Taobao's item-detail file")
        parser.add_argument("--error-report", type=Path, help="write the row errors to this CSV")
        parser.add_argument("--user", default="", help="username recorded as the actor")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        for name in ("file", "profile_file", "item_file", "error_report"):
            if options.get(name):  # call_command passes keyword values unconverted
                options[name] = Path(options[name])
        actor = self._actor(options["user"])
        try:
            profile, saved = queries.resolve_profile(options["kind"], options["format_name"],
                                                     profile_file=options["profile_file"])
            run = actions.create_import_run(
                options["file"], kind=options["kind"], profile=profile, actor=actor,
                channel=options["channel"], dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"], item_path=options["item_file"],
                saved_profile=saved)
        except DomainError as error:
            raise CommandError(str(error)) from None
        run = self._execute(run, quiet=options["no_progress"] or options["verbosity"] == 0)
        self._report(run, options["error_report"])
        if run.status not in (RunStatus.SUCCEEDED, RunStatus.COMPLETED_WITH_SKIPS):
            raise CommandError(queries.run_summary(run), returncode=1)

    def _actor(self, username: str) -> Staff | None:
        if not username:
            return None
        try:
            return Staff.objects.get(username=username)
        except Staff.DoesNotExist:
            raise CommandError(_("No staff member %(username)s.") % {"username": username}) from None

    def _execute(self, run: ImportRun, *, quiet: bool) -> ImportRun:
        bar = tqdm(total=100, disable=quiet, desc=run.file_name[:30],
                   bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed} {postfix}")
        rows_label = _("rows")

        def progress(rows_read: int, fraction: float) -> None:
            bar.n = round(fraction * 100, 1)
            bar.postfix = f"{rows_read:,} {rows_label}"
            bar.refresh()

        try:
            return actions.execute_import_run(run, progress=progress)
        finally:
            bar.close()

    def _report(self, run: ImportRun, error_report: Path | None) -> None:
        counts = run.details.get("counts", {})
        self.stdout.write(queries.run_summary(run))
        self.stdout.write(_("run #%(id)d, SHA-256 %(sha)s, %(rows)d rows read")
                          % {"id": run.pk, "sha": run.file_sha256, "rows": run.rows_read})
        self.stdout.write("  ".join(f"{name} {value}" for name, value in counts.items()))
        if run.is_skip_invalid:
            self.stdout.write(_("imported: %(records)d records (%(rows)d rows); skipped: "
                                "%(skipped)d records (%(skipped_rows)d rows)") % {
                "records": run.imported_record_count, "rows": run.imported_row_count,
                "skipped": run.skipped_record_count, "skipped_rows": run.skipped_row_count})
        for error in queries.error_rows(run, siblings=False)[:SHOWN_ERRORS]:
            where = f"{error.source}:" if error.source else ""
            value = f" ({error.value})" if error.value else ""
            self.stderr.write(f"  {where}{error.line} [{error.column}] {error.reason}{value}")
        if run.error_count > SHOWN_ERRORS:
            self.stderr.write("  … " + _("%(count)d more") % {"count": run.error_count - SHOWN_ERRORS})
        if error_report and run.error_count:
            with error_report.open("w", encoding="utf-8", newline="") as target:
                target.writelines(queries.error_report_lines(run))
            self.stderr.write(_("Error report written to %(path)s") % {"path": error_report})
