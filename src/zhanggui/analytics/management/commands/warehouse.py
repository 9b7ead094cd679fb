"""``zhanggui warehouse refresh|rebuild``: bring the analytics warehouse up to date."""

from django.core.management.base import BaseCommand

from zhanggui.analytics.actions import refresh_warehouse


class Command(BaseCommand):
    help = "Refresh the analytics warehouse incrementally, or rebuild it from scratch."

    def add_arguments(self, parser):
        parser.add_argument("mode", choices=["refresh", "rebuild"], nargs="?", default="refresh")

    def handle(self, *args, **options):
        run = refresh_warehouse(actor=None, full=options["mode"] == "rebuild")
        rows = ", ".join(f"{table} {count}" for table, count in run.rows.items())
        self.stdout.write(f"Warehouse {run.kind}: version {run.version} in {run.seconds} s "
                          f"(rows read: {rows}).")
