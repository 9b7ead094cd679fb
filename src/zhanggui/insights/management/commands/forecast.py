"""``zhanggui forecast``: forecast every SKU's demand now (what the task after each warehouse
refresh runs) and print how many SKUs and how long."""

import os

from django.core.management.base import BaseCommand

from zhanggui.insights.forecasting import run_forecasts


class Command(BaseCommand):
    help = "Forecast daily demand per SKU and per SKU × warehouse (28 days, 80 % intervals)."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="worker processes (default: one per core)")

    def handle(self, *args, **options):
        summary = run_forecasts(actor=None, n_jobs=options["jobs"])
        uplifts = ", ".join(f"{k} ×{v}" for k, v in summary.uplifts.items()) or "none"
        self.stdout.write(f"Forecast {summary.skus} SKUs ({summary.fits} forecasts) in "
                          f"{summary.seconds:.1f} s; event uplifts: {uplifts}.")
