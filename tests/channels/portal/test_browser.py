"""A new customer's first visit to the portal, in a real headless Chromium (Debian's)."""

from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.customers.models import OwnedProduct, Product
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.models import Case
from tests.channels.portal.conftest import LINK
from tests.ports import free_port

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch, settings, tmp_path):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django is told they are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_URL = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_a_new_customer_signs_in_from_the_email_opens_a_case_with_a_file_and_replies(
    page, queue, smtp_inbox, jobs_run_now
):
    customer = create_customer(
        first_name="Hugo", last_name="Bernard", emails=["hugo.bernard@example.com"]
    )
    product = Product.objects.create(sku="CM-1", name="Coffee maker One", category="kitchen")
    OwnedProduct.objects.create(
        customer=customer,
        product=product,
        serial_number="CM1-778",
        purchased_on="2026-01-10",
        warranty_ends_on="2028-01-10",
    )

    page.goto("/portal/")
    page.get_by_label("Your email address").fill("hugo.bernard@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(smtp_inbox.envelopes) == 1
    assert smtp_inbox.envelopes[0].rcpt_tos == ["hugo.bernard@example.com"]
    body = message_from_bytes(smtp_inbox.envelopes[0].content).get_payload(decode=True).decode()
    page.goto(LINK.search(body)[0])
    page.get_by_role("button", name="Continue to my requests").click()
    expect(page.get_by_role("heading", name="Hello Hugo")).to_be_visible()
    expect(page.get_by_text("You have no requests with us yet.")).to_be_visible()

    page.get_by_role("link", name="Open a new request").click()
    page.get_by_label("What is it about?").select_option("defect")
    page.get_by_label("Product").select_option(label="Coffee maker One · CM1-778")
    page.get_by_label("Subject").fill("Leaks water")
    page.get_by_label("Describe your request").fill("Water runs under the machine.")
    page.get_by_label("Attach files").set_input_files(
        files=[{"name": "leak.txt", "mimeType": "text/plain", "buffer": b"puddle at 8:00"}]
    )
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request was received.")).to_be_visible()
    case = Case.objects.get(customer=customer)
    expect(page.get_by_role("heading", name=f"{case.reference} · Leaks water")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="leak.txt").click()
    assert download.value.suggested_filename == "leak.txt"

    page.get_by_label("Your reply").fill("It also makes a loud noise.")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.get_by_text("Your reply was sent.")).to_be_visible()
    expect(page.get_by_text("It also makes a loud noise.")).to_be_visible()
    assert case.messages.filter(kind="inbound", channel="portal").count() == 2

    page.get_by_role("link", name="My requests").first.click()
    expect(page.get_by_role("link", name="Leaks water")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


@pytest.fixture
def shop_site():
    """The company's website: a page on another local site (127.0.0.1, where the desk's live
    server is localhost) that shows the contact form in an iframe."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()
    server.server_close()


def test_the_contact_form_works_inside_another_sites_iframe(
    page, live_server, queue, settings, shop_site
):
    assert live_server.url.startswith("http://localhost:")
    shop, pages = shop_site
    settings.CONTACT_FORM_ORIGINS = [shop]
    # Another site than the desk's: the frame gets no cookies, which the form does not need.
    pages["/contact.html"] = (
        f'<!doctype html><title>Shop</title><h1>Shop</h1><iframe title="Contact us" '
        f'width="600" height="900" src="{live_server.url}/portal/contact/?lang=en&amp;embedded=1">'
        "</iframe>"
    )
    page.goto(f"{shop}/contact.html")
    form = page.frame_locator("iframe[title='Contact us']")
    form.get_by_label("Your name").fill("Ines Moreau")
    form.get_by_label("Your email address").fill("ines@example.net")
    form.get_by_label("Subject").fill("Opening hours")
    form.get_by_label("Your message").fill("Are you open on Saturday?")
    form.get_by_role("button", name="Send").click()
    expect(form.get_by_text("Your message was received.")).to_be_visible()
    case = Case.objects.get()
    assert (case.subject, case.origin_channel) == ("Opening hours", "web_form")
    assert case.customer.identities.get().address == "ines@example.net"
