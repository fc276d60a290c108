"""An agent logs a phone call on a case in a real headless Chromium (Debian's), via Playwright."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.channels.phone.models import Call
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch, settings, tmp_path):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous, so Django is told they are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_agent_logs_a_missed_call_then_the_call_back_and_sees_both_in_the_thread(
    page, agent, front_team, case
):
    sign_in(page, "agent1")
    page.get_by_role("link", name=re.compile(r"^All open")).click()
    page.get_by_role("link", name=case.subject).click()

    page.get_by_text("Log a call").click()
    form = page.locator("#log-call-form")
    form.get_by_label("Direction").select_option(label="The customer called")
    form.get_by_label("Outcome").select_option(label="Missed")
    form.get_by_label("Started").fill("2026-03-02T10:15")
    form.get_by_label("Notes").fill("Rang while we were all on the line.")
    form.get_by_role("button", name="Log the call").click()

    expect(page.get_by_text("Call logged.")).to_be_visible()
    thread = page.locator("#thread-messages")
    expect(thread.get_by_text("Rang while we were all on the line.")).to_be_visible()
    expect(thread.locator(".call-line").get_by_text("Missed")).to_be_visible()
    expect(page.locator("#calls-to-return")).to_contain_text("+390212345678")

    form = page.locator("#log-call-form")  # open: a call back is waiting
    form.get_by_label("Direction").select_option(label="We called the customer")
    form.get_by_label("Outcome").select_option(label="Answered")
    form.get_by_label("Started").fill("2026-03-02T11:00")
    form.get_by_label("Duration in minutes").fill("3.5")
    form.get_by_label("Notes").fill("Called back: technician booked for Tuesday.")
    form.get_by_role("button", name="Log the call").click()

    expect(page.get_by_text("Call logged.")).to_be_visible()
    expect(thread.get_by_text("Called back: technician booked for Tuesday.")).to_be_visible()
    expect(thread.locator(".call-line").get_by_text("talked 3 min 30 s")).to_be_visible()
    expect(page.locator("#calls-to-return")).to_have_count(0)
    assert Call.objects.count() == 2
    assert Call.objects.get(outcome="missed").called_back_at is not None


def test_a_wrong_call_is_explained_on_its_own_page(page, agent, front_team, case):
    sign_in(page, "agent1")
    page.goto(f"/cases/{case.number}/")

    page.get_by_text("Log a call").click()
    form = page.locator("#log-call-form")
    form.get_by_label("Direction").select_option(label="We called the customer")
    form.get_by_label("Outcome").select_option(label="Caller hung up while waiting")
    form.get_by_role("button", name="Log the call").click()

    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()
    expect(page.get_by_text("This outcome is not possible for this direction")).to_be_visible()
    assert not Call.objects.exists()
