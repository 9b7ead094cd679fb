"""``zhanggui backup --output FILE``: write a backup of the whole shop (see README)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhanggui.backup.errors import BackupError
from zhanggui.backup.writer import write_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database, the media files and the warehouse manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, type=Path,
                            help="the archive to write (.tar.gz)")

    def handle(self, *args, **options):
        try:
            report = write_backup(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup written to %(path)s in %(seconds)s s: %(tables)d tables, "
                            "%(rows)d rows, %(files)d media files (%(bytes)d bytes).") % {
            "path": report.path, "seconds": report.seconds, "tables": len(report.tables),
            "rows": sum(report.tables.values()), "files": report.media_files,
            "bytes": report.media_bytes})
