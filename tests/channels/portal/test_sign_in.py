"""Signing in with a one-time link: sent through the outbox, single use, expiring, kept as a
hash, no account enumeration, rate limited, separate from staff sign-in."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.test import Client
from django.utils import timezone, translation

from loyaldesk.channels.models import Delivery
from loyaldesk.channels.portal.models import SignInLink
from loyaldesk.channels.portal.services import (
    LinkNotUsable,
    RateLimited,
    request_sign_in_link,
    use_sign_in_link,
)
from loyaldesk.channels.portal.tokens import token_hash
from loyaldesk.customers.services import add_identity, remove_identity
from loyaldesk.desk.models import Event
from tests.channels.portal.conftest import LINK, sent_token
from tests.conftest import PASSWORD

IP = "192.0.2.10"


def test_link_goes_through_smtp_to_the_address_asked_and_signs_in_once(
    client, customer, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_URL = "https://desk.example.com"
    add_identity(customer, "email", "chiara@work.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/sign-in/", {"email": " Chiara@Work.example "})
    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/sent/"

    assert len(smtp_inbox.envelopes) == 1
    assert smtp_inbox.envelopes[0].rcpt_tos == ["chiara@work.example"]
    mail = message_from_bytes(smtp_inbox.envelopes[0].content)
    body = mail.get_payload(decode=True).decode()
    url = LINK.search(body)[0]
    assert url.startswith("https://desk.example.com/portal/sign-in/")
    token = LINK.search(body)["token"]

    # Only the hash is kept.
    link = SignInLink.objects.get()
    assert link.token_hash == token_hash(token)
    assert token not in link.token_hash
    assert Delivery.objects.get().state == "sent"

    # Opening the link (as a mail scanner would) does not spend it.
    path = f"/portal/sign-in/{token}/"
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/portal/cases/"
    assert client.get("/portal/cases/").status_code == 200

    # Used once: a second click, even in another browser, signs nobody in.
    other = Client()
    assert other.get(path).status_code == 410
    assert other.post(path).status_code == 410
    assert other.get("/portal/cases/")["Location"] == "/portal/sign-in/"
    kinds = list(Event.objects.filter(customer=customer).values_list("kind", flat=True))
    assert "customer.portal_link_sent" in kinds
    assert "customer.portal_signed_in" in kinds


def test_unknown_address_gets_the_same_answer_and_no_email(client, customer):
    known = client.post("/portal/sign-in/", {"email": "chiara.rossi@example.it"})
    unknown = client.post("/portal/sign-in/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Delivery.objects.count() == 1
    assert SignInLink.objects.count() == 1
    page = client.get("/portal/sign-in/sent/")
    assert "nobody@example.org" not in page.content.decode()


def test_the_request_does_the_same_for_a_known_and_an_unknown_address(
    client, customer, queued_jobs
):
    """Nothing in the request depends on the address being known (not even its time):
    each request only queues the job that looks it up."""
    for address in ["chiara.rossi@example.it", "nobody@example.org"]:
        response = client.post("/portal/sign-in/", {"email": address})
        assert response.status_code == 302
    assert queued_jobs.pending_count() == 2
    assert not SignInLink.objects.exists()
    assert not Delivery.objects.exists()


def test_not_an_address_is_a_form_error(client, db):
    response = client.post("/portal/sign-in/", {"email": "not an address"})
    assert response.status_code == 400
    assert "name@example.com" in response.content.decode()


def test_expired_link_signs_nobody_in(client, customer, settings):
    settings.PORTAL_LINK_MINUTES = 30
    asked = timezone.now() - timedelta(minutes=31)
    request_sign_in_link("chiara.rossi@example.it", client_ip=IP, at=asked)
    token = sent_token(customer)
    assert client.get(f"/portal/sign-in/{token}/").status_code == 410
    assert client.post(f"/portal/sign-in/{token}/").status_code == 410
    with pytest.raises(LinkNotUsable):
        use_sign_in_link(token)


def test_link_still_works_just_before_it_expires(customer, settings):
    settings.PORTAL_LINK_MINUTES = 30
    request_sign_in_link("chiara.rossi@example.it", client_ip=IP, at=timezone.now())
    token = sent_token(customer)
    in_29_minutes = timezone.now() + timedelta(minutes=29)
    assert use_sign_in_link(token, at=in_29_minutes) == customer


def test_link_of_an_address_removed_meanwhile_signs_nobody_in(customer):
    request_sign_in_link("chiara.rossi@example.it", client_ip=IP)
    remove_identity(customer.identities.get(channel="email"))
    with pytest.raises(LinkNotUsable):
        use_sign_in_link(sent_token(customer))


def test_made_up_token_is_refused(client, db):
    assert client.post("/portal/sign-in/" + "x" * 43 + "/").status_code == 410
    assert client.get("/portal/sign-in/" + "x" * 500 + "/").status_code == 410


def test_requests_are_rate_limited_per_address(client, customer):
    for _ in range(5):
        request_sign_in_link("chiara.rossi@example.it", client_ip=f"192.0.2.{_}")
    with pytest.raises(RateLimited):
        request_sign_in_link("chiara.rossi@example.it", client_ip="192.0.2.99")
    response = client.post("/portal/sign-in/", {"email": "chiara.rossi@example.it"})
    assert response.status_code == 429
    assert SignInLink.objects.count() == 5


def test_requests_are_rate_limited_per_client_address(client, db):
    for number in range(30):
        request_sign_in_link(f"someone{number}@example.org", client_ip=IP)
    with pytest.raises(RateLimited):
        request_sign_in_link("another@example.org", client_ip=IP)
    # Unknown addresses count too, so the limit says nothing about who is a customer.
    response = client.post("/portal/sign-in/", {"email": "x@example.org"}, REMOTE_ADDR=IP)
    assert response.status_code == 429


def test_behind_a_proxy_the_client_is_the_address_the_proxy_added(client, db, settings):
    settings.TRUST_FORWARDED_FOR = True
    for number in range(30):
        client.post(
            "/portal/sign-in/",
            {"email": f"someone{number}@example.org"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 198.51.100.7",
        )
    blocked = client.post(
        "/portal/sign-in/", {"email": "a@example.org"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    other = client.post(
        "/portal/sign-in/", {"email": "a@example.org"}, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert (blocked.status_code, other.status_code) == (429, 302)


def test_signing_in_cycles_the_session_key_and_csrf_token(client, customer):
    client.get("/portal/sign-in/")
    client.session.save()
    before = client.session.session_key
    request_sign_in_link("chiara.rossi@example.it", client_ip=IP)
    path = f"/portal/sign-in/{sent_token(customer)}/"
    client.get(path)
    csrf_before = client.cookies["csrftoken"].value
    client.post(path)
    assert client.session.session_key != before
    assert client.cookies["csrftoken"].value != csrf_before


def test_sign_out_ends_the_portal_session(sign_in_as, customer):
    http = sign_in_as(customer)
    assert http.get("/portal/cases/").status_code == 200
    assert http.get("/portal/sign-out/").status_code == 405
    assert http.post("/portal/sign-out/")["Location"] == "/portal/sign-in/"
    assert http.get("/portal/cases/")["Location"] == "/portal/sign-in/"


def test_a_signed_in_agent_is_never_taken_for_a_customer(client, customer, agent):
    client.login(username="agent1", password=PASSWORD)
    request_sign_in_link("chiara.rossi@example.it", client_ip=IP)
    token = sent_token(customer)
    assert client.get("/portal/cases/").status_code == 403
    assert client.post(f"/portal/sign-in/{token}/").status_code == 403
    # The link was not spent: the customer can still use it in their own browser.
    assert Client().post(f"/portal/sign-in/{token}/").status_code == 302


def test_an_agent_signing_in_on_a_customers_browser_does_not_see_the_portal(
    sign_in_as, customer, agent
):
    http = sign_in_as(customer)
    http.login(username="agent1", password=PASSWORD)
    assert http.get("/portal/cases/").status_code == 403
    # And the customer's session gives no access to the desk.
    customer_only = sign_in_as(customer, http=Client())
    response = customer_only.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_session_of_a_record_merged_meanwhile_follows_it_to_the_survivor(sign_in_as, customer):
    from loyaldesk.customers.models import Customer
    from loyaldesk.customers.services import create_customer

    duplicate = create_customer(first_name="Chiara", last_name="R.", emails=["chiara@old.example"])
    http = sign_in_as(duplicate)
    # The state a merge leaves (customers.services.merge_customers, tested with the customers).
    Customer.objects.filter(pk=duplicate.pk).update(merged_into=customer)
    page = http.get("/portal/cases/")
    assert page.context["customer"] == customer


def test_a_french_customer_gets_the_link_in_french(
    french_customer, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    from django.template.loader import render_to_string as real_render

    from loyaldesk.channels.portal import services

    def rendering(template, context=None, **kwargs):
        seen.append((template, translation.get_language()))
        return real_render(template, context, **kwargs)

    monkeypatch.setattr(services, "render_to_string", rendering)
    with django_capture_on_commit_callbacks(execute=True):
        request_sign_in_link("camille.durand@example.fr", client_ip=IP)
    assert seen == [
        ("portal/email/sign_in_subject.txt", "fr"),
        ("portal/email/sign_in.txt", "fr"),
    ]
    assert smtp_inbox.envelopes[0].rcpt_tos == ["camille.durand@example.fr"]
