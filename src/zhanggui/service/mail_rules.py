"""Reading an inbound e-mail (RFC 822, the standard library's ``email`` package): who sent
it, which message it answers, the ticket number in its subject, and its text with the quoted
earlier messages stripped. Pure: no database."""

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.utils.html import strip_tags

TICKET_TAG = re.compile(r"\[(TK-\d{8}-\d{4,})\]")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Lines that start the quoted earlier message in common clients (English and Chinese).
QUOTE_HEADERS = [
    re.compile(r"^\s*On .{3,200}wrote:\s*$"),
    re.compile(r"^\s*在.{3,200}写道[:：]\s*$"),
    re.compile(r"^\s*-{2,}\s*(Original Message|原始邮件|Forwarded message)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*(From|发件人)\s*[:：].+$"),
    re.compile(r"^_{10,}\s*$"),
]


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    body: str
    sent_at: datetime | None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @property
    def ticket_number(self) -> str:
        match = TICKET_TAG.search(self.subject)
        return match.group(1) if match else ""

    @property
    def thread_ids(self) -> list[str]:
        """The ids of the messages it answers, most direct first."""
        ids = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(ids))


class MailParseError(ValueError):
    pass


def _ids(value: str | None) -> list[str]:
    return MESSAGE_ID.findall(str(value or ""))


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content))
    return str(content)


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything before the first quote header, without lines
    quoted with ``>``; trailing blank lines and a signature marker (``-- ``) dropped."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if any(pattern.match(line) for pattern in QUOTE_HEADERS) or line.rstrip() == "--":
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _sent_at(message: EmailMessage) -> datetime | None:
    try:
        moment = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError, IndexError):
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_mail(raw: bytes) -> ParsedMail:
    """Read a raw RFC 822 message.

    Raises:
        MailParseError: no sender address.
    """
    message = email.message_from_bytes(raw, policy=email.policy.default)
    senders = getaddresses([str(message.get("From", ""))])
    name, address = senders[0] if senders else ("", "")
    if "@" not in address:
        raise MailParseError("no sender address (From)")
    message_ids = _ids(message.get("Message-ID"))
    return ParsedMail(
        message_id=message_ids[0] if message_ids else "",
        from_address=address.strip().lower(), from_name=name.strip(),
        subject=" ".join(str(message.get("Subject", "")).split())[:200],
        body=strip_quoted(_text_of(message)), sent_at=_sent_at(message),
        in_reply_to=_ids(message.get("In-Reply-To")), references=_ids(message.get("References")))


def clean_subject(subject: str) -> str:
    """The subject without reply prefixes and the ticket tag."""
    text = TICKET_TAG.sub("", subject)
    text = re.sub(r"^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", "", text, flags=re.I)
    return " ".join(text.split())
