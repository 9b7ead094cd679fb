"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests that send e-mail.

Use the ``smtp_sink`` fixture (import it into a test module or conftest): it starts the
server on a free port and points Django's SMTP backend at it.
"""

import socket
from email import message_from_bytes
from email import policy as email_policy
from email.message import Message as EmailMessage

import pytest
from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(envelope.original_content or envelope.content,
                                   policy=email_policy.default)
                for envelope in self.envelopes]

    def recipients(self) -> list[str]:
        return [rcpt for envelope in self.envelopes for rcpt in envelope.rcpt_tos]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()
