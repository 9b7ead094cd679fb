"""``zhanggui create_ingest_key NAME``: an ingestion key for a self-hosted storefront.

    zhanggui create_ingest_key myshop --endpoint https://admin.example.com/api/v1/traffic/events

Creates (or reuses) the staff account ``storefront-NAME`` that may only add behaviour
events, issues an API token for it and prints the secret once, with the script tag to
paste into the storefront's pages. See docs/traffic.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.templatetags.static import static
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.traffic.actions import create_ingest_key


class Command(BaseCommand):
    help = "Create an ingestion key for a storefront's event script (traffic.add_event only)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="a short slug naming the storefront, e.g. myshop")
        parser.add_argument("--endpoint", default="https://YOUR-ZHANGGUI-HOST/api/v1/traffic/events",
                            help="the events URL the storefront will call")
        parser.add_argument("--user", default="", help="username recorded as the actor")

    def handle(self, *args, name, endpoint, user, **options):
        actor = None
        if user:
            actor = Staff.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("No staff member named %(user)s.") % {"user": user})
        try:
            token, secret = create_ingest_key(name, actor=actor)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        host = endpoint.split("/api/")[0]
        self.stdout.write(_("Ingestion key for %(account)s (shown only once):")
                          % {"account": token.staff.username})
        self.stdout.write(f"  {secret}")
        self.stdout.write(_("Paste into every storefront page:"))
        self.stdout.write(f'  <script src="{host}{static("traffic/zg.js")}" '
                          f'data-endpoint="{endpoint}" data-key="{secret}" defer></script>')
