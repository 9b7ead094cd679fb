"""``zhanggui demo``: migrate, seed the demo store once, collect static files, serve.

    zhanggui demo [--reset] [--no-serve] [--port 8000] [--scale F] [--seed N] [--today D]
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from zhanggui.analytics.actions import refresh_warehouse
from zhanggui.demo.management.commands._shared import (
    add_seed_arguments,
    seed_options,
    write_logins,
    write_summary,
)
from zhanggui.demo.seed import is_seeded, seed_demo


def wipe_database() -> str:
    """Delete the SQLite file (with its WAL files), or flush any other database."""
    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    if database["ENGINE"].endswith("sqlite3") and name and not name.startswith(
            (":memory:", "file:")):
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return f"removed {name}"
    call_command("flush", interactive=False, verbosity=0)
    return "flushed the database"


def collect_static() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)


def serve(port: int) -> None:
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)


class Command(BaseCommand):
    help = "Migrate, seed the demo store if it is empty, collect static files and serve it."

    def add_arguments(self, parser):
        add_seed_arguments(parser)
        parser.add_argument("--reset", action="store_true",
                            help="wipe the database and seed again")
        parser.add_argument("--no-serve", action="store_true",
                            help="stop after seeding (do not start the web server)")
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (8000)")

    def handle(self, *args, **options):
        write = self.stdout.write
        seed = seed_options(options)
        if options["reset"]:
            write(f"Reset: {wipe_database()}.")
        call_command("migrate", interactive=False, verbosity=0)
        seeding = not is_seeded()
        if seeding:
            report = seed_demo(seed, write=write)
            write(f"Seeding took {report.seconds:.1f} seconds.")
        else:
            write("The store already has data; not seeding (use --reset to start over).")
        # A new store (or a reset one, whose ids start again) gets its warehouse from scratch.
        run = refresh_warehouse(actor=None, full=seeding)
        write(f"Analytics warehouse {run.kind}: version {run.version} in {run.seconds} s.")
        write_summary(write)
        collect_static()
        address = f"http://127.0.0.1:{options['port']}/"
        write_logins(write, None if options["no_serve"] else address)
        if not options["no_serve"]:
            serve(options["port"])
