"""Replies leave through the SMTP server of the mailbox the customer wrote to, logging in
with the password its environment variable holds; others through the desk's own."""

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from loyaldesk.accounts.models import User
from loyaldesk.channels.models import DeliveryState, Mailbox, SmtpSecurity
from loyaldesk.channels.receiving import keep_email, read_email
from loyaldesk.desk.services import reply_to_customer
from tests.channels.test_receiving import email
from tests.conftest import T0, Inbox, free_port


class Logins:
    """Accepts one user and password, and remembers who logged in."""

    def __init__(self, user: str, password: str) -> None:
        self.expected = (user.encode(), password.encode())
        self.users = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login,
                auth_data.password,
            )
            == self.expected
        ):
            self.users.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def sales_server():
    """The sales team's own SMTP server on loopback, which wants a login."""
    inbox, logins = Inbox(), Logins("ventes", "secret-des-ventes")
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=logins,
        auth_require_tls=False,
    )
    controller.start()
    yield controller.port, inbox, logins
    controller.stop()


@pytest.fixture
def sales(repairs_queue, sales_server):
    port, _, _ = sales_server
    return Mailbox.objects.create(
        name="Ventes",
        address="ventes@desk.example",
        queue=repairs_queue,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=SmtpSecurity.NONE,
        smtp_user="ventes",
        smtp_secret_env="SALES_SMTP_SECRET",
    )


def reply_through(mailbox, agent, capture):
    case = read_email(keep_email(email(to=mailbox.address), mailbox=mailbox, at=T0)).case
    with capture(execute=True):
        message = reply_to_customer(case, agent=agent, text="Nous regardons cela.", at=T0)
    return message.delivery


def test_a_reply_leaves_through_the_mailbox_smtp_server_with_its_login(
    sales,
    sales_server,
    smtp_down,
    jobs_run_now,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setenv("SALES_SMTP_SECRET", "secret-des-ventes")
    _, inbox, logins = sales_server

    agent = User.objects.get(username="agent2")  # of the sales mailbox's queue's team
    delivery = reply_through(sales, agent, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert logins.users == ["ventes"]
    mail = message_from_bytes(inbox.envelopes[-1].content)
    assert mail["From"] == "Ventes <ventes@desk.example>"
    assert inbox.envelopes[-1].rcpt_tos == ["giulia.bianchi@example.it"]


def test_a_mailbox_whose_password_is_not_set_defers_its_replies_and_says_why(
    sales,
    sales_server,
    smtp_down,
    jobs_run_now,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.delenv("SALES_SMTP_SECRET", raising=False)
    _, inbox, _ = sales_server

    agent = User.objects.get(username="agent2")  # of the sales mailbox's queue's team
    delivery = reply_through(sales, agent, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.QUEUED
    assert "SALES_SMTP_SECRET is not set" in delivery.last_error
    assert delivery.next_attempt_at is not None
    assert inbox.envelopes == []


def test_a_mailbox_without_its_own_server_sends_through_the_desk_settings(
    queue, agent, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks
):
    support = Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)

    delivery = reply_through(support, agent, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert message_from_bytes(smtp_inbox.envelopes[-1].content)["From"] == (
        "Support <support@desk.example>"
    )


def test_a_reply_reaches_a_french_customer_in_french(
    queue, agent, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks
):
    support = Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)
    case = read_email(keep_email(email(), mailbox=support, at=T0)).case
    case.customer.preferred_language = "fr"
    case.customer.save()
    case.language = "fr"
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_customer(case, agent=agent, text="Nous regardons cela.", at=T0)
    body = message_from_bytes(smtp_inbox.envelopes[-1].content).get_payload(decode=True).decode()
    assert f"Votre numéro de dossier est {case.reference}." in body
