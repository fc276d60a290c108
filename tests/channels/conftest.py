import tempfile
from pathlib import Path

import pytest

from tests.dovecot import start_dovecot


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server for the session; each test takes a folder of its own."""
    server = start_dovecot(Path(tempfile.mkdtemp(prefix="dovecot-")))
    yield server
    server.stop()
