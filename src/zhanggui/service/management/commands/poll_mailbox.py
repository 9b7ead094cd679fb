"""``zhanggui poll_mailbox``: file the unseen mail of the service mailbox as tickets."""

import imaplib

from django.core.management.base import BaseCommand, CommandError

from zhanggui.service.errors import MailboxNotConfigured
from zhanggui.service.mailbox import poll_mailbox


class Command(BaseCommand):
    help = "Fetch unseen mail from the IMAP mailbox (ZHANGGUI_IMAP_*) into service tickets."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200,
                            help="at most this many messages (default 200)")

    def handle(self, *args, limit: int, **options):
        try:
            result = poll_mailbox(limit=limit)
        except MailboxNotConfigured as exc:
            raise CommandError(str(exc)) from None
        except (imaplib.IMAP4.error, OSError) as exc:
            raise CommandError(f"mailbox: {exc}") from None
        numbers = ", ".join(dict.fromkeys(t.number for t in result.tickets)) or "-"
        self.stdout.write(f"filed {result.fetched}, failed {result.failed}; tickets: {numbers}")
        if result.failed:
            raise CommandError(f"{result.failed} message(s) could not be filed")
