"""A small SMTP server on loopback for tests: the mail server is what lies outside the machine.

It speaks enough of RFC 5321 for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps what it
accepted, and fails on demand the way real servers do when they are busy or down:

- `refuse_connections`: that many next connections are greeted with 421 and closed (smtplib raises
  SMTPConnectError, an OSError), as a server that is overloaded or shutting down does;
- `reject_data`: that many next messages are answered 451 after their data (SMTPDataError), as a server
  whose queue is full does; the connection stays usable.

Use it as a fixture (`smtp_server`) with the settings pointing Django's SMTP backend at it.
"""

import dataclasses
import email
import email.policy
import socketserver
import threading
from email.message import EmailMessage

import pytest


@dataclasses.dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Session)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.connections = 0
        self.refused = 0
        self.refuse_connections = 0
        self.reject_data = 0
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> "SMTPServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def to(self, address: str) -> list[Received]:
        """What was accepted for `address`."""
        with self.lock:
            return [item for item in self.received if address in item.recipients]

    def take(self, what: str) -> bool:
        """Use up one planned failure of `what` ("refuse_connections" or "reject_data")."""
        with self.lock:
            left = getattr(self, what)
            if left > 0:
                setattr(self, what, left - 1)
                return True
            return False


class _Session(socketserver.StreamRequestHandler):
    server: SMTPServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        with self.server.lock:
            self.server.connections += 1
        if self.server.take("refuse_connections"):
            with self.server.lock:
                self.server.refused += 1
            self.reply("421 4.3.2 Service not available, try again later")
            return
        self.reply("220 test.example ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-test.example")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 test.example")
            elif verb == "MAIL":
                sender, recipients = _address(line), []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                recipients.append(_address(line))
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._data()
                if self.server.take("reject_data"):
                    self.reply("451 4.3.0 Queue full, try again later")
                else:
                    message = email.message_from_bytes(data, policy=email.policy.default)
                    with self.server.lock:
                        self.server.received.append(Received(sender, list(recipients), message))
                    self.reply("250 2.0.0 Queued")
                sender, recipients = "", []
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognised")

    def _data(self) -> bytes:
        lines = []
        while True:
            raw = self.rfile.readline()
            if raw in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(raw[1:] if raw.startswith(b"..") else raw)  # dot-stuffing (RFC 5321 § 4.5.2)


def _address(line: str) -> str:
    start, end = line.find("<"), line.find(">")
    return line[start + 1 : end] if start != -1 and end > start else line.split(":", 1)[-1].strip()


@pytest.fixture
def smtp_server(settings):
    """A local mail server, and Django's SMTP backend pointed at it (with a short timeout)."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
