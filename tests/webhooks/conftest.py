import json
import threading
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from loyaldesk.desk.services import open_case
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookKind

HOLD = "hold"  # answer 200 once the test releases the request
HANG = "hang"  # never answer; the connection closes when the test releases it
ALL_KINDS = list(WebhookKind.values)


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP server on loopback that keeps the requests it gets and answers as told: by
    default 200, else the next of `answers` (a status code, HOLD or HANG)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.answers: list[int | str] = []
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/loyaldesk"

    def start(self) -> None:
        """Listen (again, on the same port after a stop)."""
        self.release.clear()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        """Stop listening: connections to the port are refused."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(Received(self.path, self.headers, body))
                answer = receiver.answers.pop(0) if receiver.answers else 200
                receiver.arrived.set()
                if answer in (HOLD, HANG):
                    receiver.release.wait(timeout=30)
                if answer == HANG:
                    self.close_connection = True
                    return
                status = 200 if answer == HOLD else int(answer)
                text = f"answer {status}".encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, format, *args) -> None:
                pass

        return Handler


@pytest.fixture
def receiver():
    """A real HTTP receiver on loopback (stdlib http.server in a thread)."""
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(receiver, db):
    """An active endpoint at the receiver, subscribed to every kind."""
    endpoint = WebhookEndpoint(url=receiver.url, description="CRM", events=ALL_KINDS)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@pytest.fixture
def delivery(receiver, customer, queue):
    """One queued case.created delivery to the receiver, its immediate job not run."""
    WebhookEndpoint.objects.create(url=receiver.url, description="CRM", events=["case.created"])
    open_case(customer=customer, subject="Aspirapolvere rotto", text="...", channel="email")
    return WebhookDelivery.objects.select_related("endpoint").get()
