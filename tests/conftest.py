from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller

from loyaldesk.accounts.models import Team
from loyaldesk.accounts.roles import Role
from loyaldesk.accounts.services import create_staff_user
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import open_case
from tests.ports import free_port

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a-long-pass-phrase"


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Test clients and the live server speak plain HTTP; production settings would redirect
    them to HTTPS. Session-wide, because middleware reads it when a server starts."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashing is slow on purpose; tests only need passwords to check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request through the test client leaves
    the language of its user active in the thread, as Django's locale middleware does."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def queue(db):
    return Queue.objects.create(name="General", slug="general", is_default=True)


@pytest.fixture
def customer(db):
    return create_customer(
        first_name="Chiara",
        last_name="Rossi",
        preferred_language="it",
        emails=["Chiara.Rossi@example.it"],
        phones=["+39 02 1234 5678"],
    )


@pytest.fixture
def agent(db):
    return create_staff_user("agent1", "a-long-pass-phrase", Role.AGENT, first_name="Paul")


@pytest.fixture
def lead(db):
    return create_staff_user("lead1", "a-long-pass-phrase", Role.TEAM_LEAD, first_name="Ada")


@pytest.fixture
def manager(db):
    return create_staff_user("manager1", "a-long-pass-phrase", Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return create_staff_user("admin1", "a-long-pass-phrase", Role.ADMIN)


@pytest.fixture
def case(customer, queue):
    return open_case(
        customer=customer,
        subject="Aspirapolvere rotto",
        text="Il mio aspirapolvere non si accende più.",
        channel="email",
        sender_address="chiara.rossi@example.it",
        external_id="<abc@example.it>",
        at=T0,
    )


@pytest.fixture
def api_as(client):
    """A test client that calls the REST API with a fresh token of the given user."""
    from loyaldesk.accounts.tokens import issue_token

    def make(user):
        _, clear = issue_token(user, "tests")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {clear}"
        return client

    return make


@pytest.fixture
def front_team(queue, agent, lead):
    """The General queue belongs to the front-line team: agent1 works in it, lead1 leads it."""
    team = Team.objects.create(name="Front line", lead=lead)
    team.members.add(agent, lead)
    queue.team = team
    queue.save()
    return team


@pytest.fixture
def teammate(front_team):
    user = create_staff_user("agent3", PASSWORD, Role.AGENT, first_name="Lucie")
    front_team.members.add(user)
    return user


@pytest.fixture
def repairs_queue(db):
    """Another team's queue, with its own lead and agent."""
    lead = create_staff_user("lead2", PASSWORD, Role.TEAM_LEAD, first_name="Bruno")
    agent = create_staff_user("agent2", PASSWORD, Role.AGENT, first_name="Marco")
    team = Team.objects.create(name="Repairs", lead=lead)
    team.members.add(lead, agent)
    return Queue.objects.create(name="Repairs", slug="repairs", team=team)


@pytest.fixture
def repairs_case(customer, repairs_queue):
    return open_case(
        customer=customer, subject="Riparazione", text="...", channel="phone", queue=repairs_queue
    )


@pytest.fixture
def jobs_run_now():
    """Huey runs each job as it is enqueued, in this process (Huey's own immediate mode)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


class Inbox:
    """An SMTP server's mailbox on loopback: keeps what it receives, refuses on demand."""

    def __init__(self) -> None:
        self.envelopes = []
        self.refuse_with = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on loopback, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "support@shop.example"
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a loopback port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
