"""``zhanggui seed_demo [--scale F] [--seed N] [--today YYYY-MM-DD]``: seed only."""

from django.core.management.base import BaseCommand, CommandError

from zhanggui.demo.management.commands._shared import (
    add_seed_arguments,
    seed_options,
    write_logins,
    write_summary,
)
from zhanggui.demo.seed import is_seeded, seed_demo


class Command(BaseCommand):
    help = "Seed the deterministic demo store into an empty, migrated database."

    def add_arguments(self, parser):
        add_seed_arguments(parser)

    def handle(self, *args, **options):
        seed = seed_options(options)
        if is_seeded():
            raise CommandError("The store already has products or orders. "
                               "Use `zhanggui demo --reset` to start over.")
        seed_demo(seed, write=self.stdout.write)
        write_summary(self.stdout.write)
        write_logins(self.stdout.write)
