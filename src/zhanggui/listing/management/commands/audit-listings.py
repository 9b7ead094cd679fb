"""``zhanggui audit-listings [--product ID …]``: audit the catalog's listings and print a
summary (products, blocked products, average score, the rules found most often)."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from zhanggui.listing import actions
from zhanggui.listing.models import Finding


class Command(BaseCommand):
    help = "Run the listing quality and compliance checks on every product (or the given ones)."

    def add_arguments(self, parser):
        parser.add_argument("--product", type=int, action="append", dest="product_ids",
                            help="audit only this product id (repeatable)")
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, **options):
        run = actions.audit_catalog(actor=None, product_ids=options["product_ids"],
                                    batch_size=options["batch_size"])
        self.stdout.write(f"audit run #{run.pk}: {run.product_count} products, "
                          f"{run.blocked_count} with blocking findings, "
                          f"average score {run.average_score}")
        top = (Finding.objects.values("rule").annotate(n=Count("id")).order_by("-n", "rule")[:10])
        for row in top:
            self.stdout.write(f"  {row['rule']:<32} {row['n']}")
