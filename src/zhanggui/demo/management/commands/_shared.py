"""Options and output shared by the ``demo`` and ``seed_demo`` commands."""

from datetime import date

from django.core.management.base import CommandError

from zhanggui.demo.context import SeedOptions
from zhanggui.demo.data_people import DEMO_PASSWORD
from zhanggui.demo.seed import demo_logins
from zhanggui.demo.summary import store_summary


def add_seed_arguments(parser) -> None:
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size relative to the full demo (30,000+ orders); e.g. 0.05")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="the shop's today (seen at 20:30); default: now")


def seed_options(options: dict) -> SeedOptions:
    if not 0 < options["scale"] <= 10:
        raise CommandError("--scale must be above 0 and at most 10")
    return SeedOptions(scale=options["scale"], seed=options["seed"], today=options["today"])


def write_summary(write) -> None:
    summary = store_summary()
    statuses = ", ".join(f"{k} {v}" for k, v in summary["orders_by_status"].items())
    write(f"  {summary['products']} products, {summary['skus']} SKUs, "
          f"{summary['customers']} customers, {summary['orders']} orders ({statuses})")
    returns = ", ".join(f"{k} {v:.1%}" for k, v in summary["return_rate_by_top_category"].items())
    write(f"  payment attempts failed: {summary['payment_failure_share']:.1%}; "
          f"units returned: {returns}")


def write_logins(write, address: str | None = None) -> None:
    if address:
        write(f"Open {address} and sign in with one of the demo logins.")
    write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, display_name in demo_logins():
        write(f"  {username:<10} {display_name}")
