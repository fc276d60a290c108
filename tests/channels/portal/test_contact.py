"""The public contact form: a case for anyone's address, a honeypot, rate limits, CSRF by
origin (no cookie, so it works in another site's iframe) and framing only by listed sites."""

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from loyaldesk.channels.portal.embedding import check_contact_form_origins
from loyaldesk.channels.portal.submissions import new_submission_key
from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case, Queue

OWN = "http://testserver"


@pytest.fixture
def browser():
    """A client that enforces CSRF as a browser would meet it."""
    return Client(enforce_csrf_checks=True)


def form(**changes):
    data = {
        "name": "Marie Curie",
        "email": "Marie.Curie@example.fr",
        "subject": "Livraison",
        "message": "Mon colis n'est jamais arrivé.",
        "website": "",
        "key": new_submission_key("contact"),
    }
    data.update(changes)
    return data


def test_a_visitor_opens_a_case_and_becomes_a_customer(browser, queue):
    page = browser.get("/portal/contact/?lang=fr")
    assert page.status_code == 200
    assert not page.cookies  # nothing to keep: works where a frame gets no cookies
    attachment = SimpleUploadedFile("bon.txt", b"commande 1234", content_type="text/plain")
    response = browser.post("/portal/contact/?lang=fr", form(files=[attachment]), HTTP_ORIGIN=OWN)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    case = Case.objects.get()
    assert (case.origin_channel, case.queue, case.subject) == ("web_form", queue, "Livraison")
    customer = case.customer
    assert (customer.first_name, customer.last_name) == ("Marie", "Curie")
    assert customer.preferred_language == "fr"
    assert customer.identities.get().address == "marie.curie@example.fr"
    message = case.messages.get()
    assert message.sender_address == "marie.curie@example.fr"
    assert message.attachments.get().filename == "bon.txt"
    assert json.loads(message.raw_source.read())["message"] == "Mon colis n'est jamais arrivé."


def test_a_known_address_writes_on_its_customer(browser, customer, queue):
    browser.post("/portal/contact/", form(email="chiara.rossi@example.it"), HTTP_ORIGIN=OWN)
    assert Case.objects.get().customer == customer
    assert Customer.objects.count() == 1


def test_the_same_form_posted_twice_opens_one_case(browser, queue):
    data = form()
    browser.post("/portal/contact/", data, HTTP_ORIGIN=OWN)
    again = browser.post("/portal/contact/", data, HTTP_ORIGIN=OWN)
    assert again.status_code == 200
    assert Case.objects.count() == 1


def test_a_filled_honeypot_is_thanked_but_opens_nothing(browser, queue, caplog):
    with caplog.at_level(logging.WARNING, logger="loyaldesk.channels.portal.services"):
        trapped = browser.post("/portal/contact/", form(website="http://spam"), HTTP_ORIGIN=OWN)
    real = Client().post("/portal/contact/", form(), HTTP_ORIGIN=OWN)
    assert trapped.status_code == real.status_code == 200
    assert trapped.templates[0].name == real.templates[0].name == "portal/contact_thanks.html"
    assert Case.objects.count() == 1
    assert Customer.objects.count() == 1
    assert "honeypot" in caplog.text


def test_posts_from_another_site_are_refused(browser, queue):
    evil = browser.post("/portal/contact/", form(), HTTP_ORIGIN="https://evil.example")
    assert evil.status_code == 403
    no_origin = browser.post("/portal/contact/", form())
    assert no_origin.status_code == 403
    by_referer = browser.post(
        "/portal/contact/", form(), HTTP_REFERER="http://testserver/portal/contact/"
    )
    assert by_referer.status_code == 200
    assert Case.objects.count() == 1


def test_a_form_without_our_key_is_refused(browser, queue):
    for key in ["", "made-up", new_submission_key("reply")]:
        response = browser.post("/portal/contact/", form(key=key), HTTP_ORIGIN=OWN)
        assert response.status_code == 400
    assert not Case.objects.exists()


def test_bad_input_gets_errors_not_a_crash(browser, queue):
    response = browser.post(
        "/portal/contact/", form(email="not-an-address", message=""), HTTP_ORIGIN=OWN
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "message"}
    assert not Case.objects.exists()


def test_contact_form_is_rate_limited_per_address_and_per_client(browser, queue):
    for _ in range(5):
        assert browser.post("/portal/contact/", form(), HTTP_ORIGIN=OWN).status_code == 200
    sixth = browser.post("/portal/contact/", form(), HTTP_ORIGIN=OWN)
    assert sixth.status_code == 429
    # Every attempt counts against the client, the one refused for its address too: 6 + 14.
    for number in range(14):
        response = browser.post(
            "/portal/contact/", form(email=f"p{number}@example.org"), HTTP_ORIGIN=OWN
        )
        assert response.status_code == 200
    assert (
        browser.post(
            "/portal/contact/", form(email="last@example.org"), HTTP_ORIGIN=OWN
        ).status_code
        == 429
    )
    assert Case.objects.count() == 19


def test_without_a_queue_the_visitor_is_told(browser, db):
    response = browser.post("/portal/contact/", form(), HTTP_ORIGIN=OWN)
    assert response.status_code == 503
    assert not Case.objects.exists()


def test_a_portal_queue_takes_contact_form_cases(browser, queue, settings):
    web = Queue.objects.create(name="Web", slug="web")
    settings.PORTAL_QUEUE = "web"
    browser.post("/portal/contact/", form(), HTTP_ORIGIN=OWN)
    assert Case.objects.get().queue == web


def test_only_the_listed_sites_may_frame_the_contact_form(client, db, settings):
    settings.CONTACT_FORM_ORIGINS = []
    closed = client.get("/portal/contact/")
    assert closed["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in closed

    settings.CONTACT_FORM_ORIGINS = ["https://www.shop.example", "https://shop.example"]
    framed = client.get("/portal/contact/?embedded=1")
    assert "X-Frame-Options" not in framed
    assert framed["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://www.shop.example https://shop.example"
    )
    refused = Client(enforce_csrf_checks=True).post(
        "/portal/contact/", form(), HTTP_ORIGIN="https://www.shop.example"
    )
    assert "X-Frame-Options" not in refused  # the refusal shows in the frame too
    # Every other page stays unframeable.
    for path in ["/portal/sign-in/", "/portal/cases/", "/login/"]:
        assert client.get(path)["X-Frame-Options"] == "DENY"


def test_origins_that_are_not_origins_are_reported_by_check(settings):
    settings.CONTACT_FORM_ORIGINS = ["https://www.shop.example", "www.shop.example/contact"]
    errors = check_contact_form_origins()
    assert [error.id for error in errors] == ["portal.E001"]
    assert "www.shop.example/contact" in errors[0].msg


def test_the_contact_form_follows_the_browser_or_lang(client, db):
    italian = client.get("/portal/contact/", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="it">' in italian.content.decode()
    asked = client.get("/portal/contact/?lang=fr", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="fr">' in asked.content.decode()
    unknown = client.get("/portal/contact/?lang=de", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="it">' in unknown.content.decode()
