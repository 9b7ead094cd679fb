"""The IMAP poller: fetch the unseen messages of the service mailbox and file each one
(``inbound.receive_mail``), marking it seen once filed.

Settings: ``ZHANGGUI_IMAP_HOST`` (none: the poller does nothing), ``ZHANGGUI_IMAP_PORT``
(993), ``ZHANGGUI_IMAP_USER``, ``ZHANGGUI_IMAP_PASSWORD``, ``ZHANGGUI_IMAP_FOLDER`` (INBOX).
The connection is IMAP over SSL (``imaplib.IMAP4_SSL``). A message that cannot be filed
stays unseen and is counted as failed; the next poll tries it again.
"""

import contextlib
import imaplib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from zhanggui.core.errors import DomainError
from zhanggui.service.errors import MailboxNotConfigured
from zhanggui.service.inbound import receive_mail
from zhanggui.service.models import Ticket

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    fetched: int = 0
    failed: int = 0
    tickets: list[Ticket] = field(default_factory=list)


def is_configured() -> bool:
    return bool(getattr(settings, "ZHANGGUI_IMAP_HOST", ""))


def connect() -> imaplib.IMAP4:
    """An SSL connection to the configured mailbox, logged in.

    Raises:
        MailboxNotConfigured: no ``ZHANGGUI_IMAP_HOST``.
    """
    if not is_configured():
        raise MailboxNotConfigured()
    client = imaplib.IMAP4_SSL(settings.ZHANGGUI_IMAP_HOST,
                               int(getattr(settings, "ZHANGGUI_IMAP_PORT", 993)))
    client.login(getattr(settings, "ZHANGGUI_IMAP_USER", ""),
                 getattr(settings, "ZHANGGUI_IMAP_PASSWORD", ""))
    return client


def _raw_of(data) -> bytes | None:
    for item in data or ():
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _file_one(client: imaplib.IMAP4, uid: bytes, result: PollResult) -> None:
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    raw = _raw_of(data) if status == "OK" else None
    if raw is None:
        result.failed += 1
        return
    try:
        ticket, _new = receive_mail(raw, actor=None)
    except DomainError as exc:  # unreadable: leave it unseen for a person to look at
        logger.warning("mail %s not filed: %s", uid, exc)
        result.failed += 1
        return
    client.uid("STORE", uid, "+FLAGS", r"(\Seen)")
    result.fetched += 1
    result.tickets.append(ticket)


def poll_mailbox(connect_to: Callable[[], imaplib.IMAP4] | None = None, *,
                 limit: int = 200) -> PollResult:
    """File up to ``limit`` unseen messages of the folder; returns what was done.

    Raises:
        MailboxNotConfigured: with the default connection and no host configured.
        imaplib.IMAP4.error, OSError: the server refused or could not be reached.
    """
    client = (connect_to or connect)()
    result = PollResult()
    try:
        folder = getattr(settings, "ZHANGGUI_IMAP_FOLDER", "INBOX") or "INBOX"
        status, _data = client.select(folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {folder}")
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids[:limit]:
            _file_one(client, uid, result)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result
