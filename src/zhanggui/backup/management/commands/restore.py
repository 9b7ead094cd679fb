"""``zhanggui restore FILE``: bring a backup back into a fresh installation (see README)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhanggui.backup.errors import BackupError
from zhanggui.backup.restorer import restore_backup


class Command(BaseCommand):
    help = "Restore a backup into a freshly migrated database with no shop data."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a file written by `zhanggui backup`")
        parser.add_argument("--skip-warehouse", action="store_true",
                            help="leave the analytics warehouse alone (rebuild it later with "
                                 "`zhanggui warehouse rebuild`)")

    def handle(self, *args, **options):
        try:
            report = restore_backup(options["archive"],
                                    rebuild_warehouse=not options["skip_warehouse"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Restored the backup of %(created_at)s in %(seconds)s s: %(tables)d "
                            "tables, %(rows)d rows and %(files)d media files, each checked "
                            "against the backup's checksums.") % {
            "created_at": report.created_at, "seconds": report.seconds,
            "tables": len(report.tables), "rows": sum(report.tables.values()),
            "files": report.media_files})
        if report.warehouse_version is not None:
            self.stdout.write(_("Analytics warehouse rebuilt: version %(version)d.")
                              % {"version": report.warehouse_version})
        elif report.warehouse_error:
            self.stderr.write(_("The analytics warehouse could not be rebuilt (%(error)s); run "
                                "`zhanggui warehouse rebuild`.") % {"error": report.warehouse_error})
        else:
            self.stdout.write(_("Run `zhanggui warehouse rebuild` to rebuild the analytics "
                                "warehouse."))
