import os
import subprocess
import sys
import urllib.request
from urllib.error import HTTPError

import pytest

from tests.ports import free_port


@pytest.fixture
def serve(tmp_path):
    """Start `loyaldesk serve` with these settings; the lines it printed and its address."""
    started = []

    def start(**env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALDESK_", "DATA"))}
        clean.update(LOYALDESK_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="127.0.0.1", **env)
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "loyaldesk", "serve", "--port", str(port)],
            env=clean,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        # Waitress says on stderr when it listens; everything loyaldesk printed came before.
        while "Serving on" not in (line := process.stderr.readline()):
            assert line, "the server stopped before listening"
        os.set_blocking(process.stdout.fileno(), False)
        return (process.stdout.read() or "").splitlines(), f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_serve_says_that_plain_http_is_redirected_when_https_is_on(serve):
    lines, address = serve()
    assert "HTTPS is on" in lines[1]
    assert "LOYALDESK_HTTPS=0" in lines[1]
    with pytest.raises(HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(f"{address}/login/", timeout=10)
    assert answer.value.code == 301
    assert answer.value.headers["Location"].startswith("https://")


def test_serve_on_plain_http_says_nothing_of_https(serve):
    lines, address = serve(LOYALDESK_HTTPS="0")
    assert lines == [f"loyaldesk is listening on {address}/"]
