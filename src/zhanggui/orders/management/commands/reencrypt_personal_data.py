"""``zhanggui reencrypt_personal_data [--batch-size N]``: move every encrypted personal-data
value (customers, addresses, orders' recipients) to the newest key in ZHANGGUI_DATA_KEYS and
recompute the phone blind indexes under ZHANGGUI_BLIND_INDEX_KEY. Idempotent: rows already
current are left alone. Lives in ``orders`` because orders is the lowest app that may call
both ``customers.actions`` and ``orders.actions``."""

from django.core.management.base import BaseCommand, CommandError

from zhanggui.core.crypto import PersonalDataKeyError
from zhanggui.customers import actions as customer_actions
from zhanggui.orders import actions as order_actions


class Command(BaseCommand):
    help = ("Re-encrypt customers', addresses' and orders' personal data with the newest key "
            "in ZHANGGUI_DATA_KEYS and recompute the phone search indexes.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500,
                            help="rows per transaction (default 500)")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            counts = {**customer_actions.reencrypt_personal_data(
                          actor=None, batch_size=options["batch_size"]),
                      **order_actions.reencrypt_personal_data(
                          actor=None, batch_size=options["batch_size"])}
        except PersonalDataKeyError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"{name:<10} {count} re-encrypted")
        if not any(counts.values()):
            self.stdout.write("Everything was already under the newest keys.")
