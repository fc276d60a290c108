"""The agent's day in a real headless Chromium (Debian's), driven by Playwright."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.channels.models import Delivery
from loyaldesk.desk.models import Case
from loyaldesk.desk.services import add_customer_message
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def new_page(live_server, monkeypatch, settings, tmp_path):
    """Opens pages in Chromium, each in its own browser context (its own session)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous, so Django is told they are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )

        def open_page():
            page = browser.new_context(base_url=live_server.url).new_page()
            page.set_default_timeout(30_000)
            return page

        yield open_page
        browser.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_agent_signs_in_replies_notes_resolves_finds_the_case_and_its_customer(
    page, agent, front_team, case
):
    sign_in(page, "agent1")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^All open")).click()
    page.get_by_role("link", name=case.subject).click()
    expect(page.get_by_role("heading", name=f"{case.reference} · {case.subject}")).to_be_visible()

    page.get_by_label("Reply to the customer").fill("Buongiorno Chiara, le mandiamo un tecnico.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply queued for sending.")).to_be_visible()
    expect(page.get_by_text("le mandiamo un tecnico")).to_be_visible()

    page.get_by_label("Internal note").fill("Technician booked for Tuesday")
    page.locator("#id_note_files").set_input_files(
        files=[{"name": "booking.txt", "mimeType": "text/plain", "buffer": b"Tuesday 9:00"}]
    )
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".kind-note").get_by_text("Technician booked for Tuesday")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="booking.txt").click()
    assert download.value.suggested_filename == "booking.txt"

    page.get_by_label("Move to").select_option("resolved")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("Status changed.")).to_be_visible()

    page.get_by_role("link", name="Cases", exact=True).first.click()
    page.get_by_role("link", name=re.compile(r"^Recently resolved")).click()
    page.get_by_label("Search", exact=True).fill(str(case.number))
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_role("link", name=case.subject)).to_be_visible()
    # Enter and the typing both refresh the table (the latter 400 ms later): let both land,
    # or the click may hit a row that is being replaced.
    page.wait_for_load_state("networkidle")

    page.get_by_role("link", name=case.subject).click()
    expect(page.get_by_role("heading", name=f"{case.reference} · {case.subject}")).to_be_visible()
    page.get_by_label("Search cases").fill("tecnico Chiara")
    page.get_by_label("Search cases").press("Enter")
    expect(page.get_by_role("link", name=case.subject)).to_be_visible()
    page.get_by_role("link", name=case.subject).click()
    page.get_by_role("link", name=str(case.customer)).click()
    expect(page.get_by_role("heading", name=re.compile(str(case.customer)))).to_be_visible()
    expect(page.get_by_text("Email: chiara.rossi@example.it")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()

    resolved = Case.objects.get(pk=case.pk)
    assert resolved.status == "resolved"
    assert resolved.first_response_at is not None
    assert Delivery.objects.filter(message__case=case).count() == 1


def test_open_case_shows_new_messages_and_a_colleague_replying(
    new_page, settings, agent, teammate, case
):
    settings.CASE_POLL_SECONDS = 1
    mine, theirs = new_page(), new_page()
    sign_in(mine, "agent1")
    sign_in(theirs, "agent3")
    case_url = f"/cases/{case.number}/"
    mine.goto(case_url)
    theirs.goto(case_url)
    expect(mine.get_by_text("Lucie is viewing this case.")).to_be_visible()
    theirs.get_by_label("Reply to the customer").fill("Buongiorno")
    expect(mine.get_by_text("Lucie is writing a reply to this case.")).to_be_visible()

    add_customer_message(case, text="Il tecnico non è ancora passato.", channel="email")
    expect(mine.get_by_text("Il tecnico non è ancora passato.")).to_be_visible()
    expect(mine.get_by_text("1 new message below.")).to_be_visible()
