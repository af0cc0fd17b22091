"""A real SMTP server (aiosmtpd) in the test process: the service sends to it over SMTP, tests read what arrived."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Received:
    """What the SMTP server was given, as the recipient's mail program would parse it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address.lower() in m["X-Envelope-To"].lower()]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


class SMTPServer:
    def __init__(self):
        self.received = Received()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = None

    def start(self) -> None:
        """Start (or start again after ``stop``) on the same port, keeping what arrived before."""
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
