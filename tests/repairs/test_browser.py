"""A repair from the case to the customer's hands, in a real headless Chromium (Debian's),
driven by Playwright."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.desk.models import MessageKind
from loyaldesk.repairs.models import RepairOrder
from tests.desk.test_browser import CHROMIUM, sign_in

STAGES_AFTER_WORK = ["Quality check", "Ready", "Returned"]


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous, so Django is told they are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_context(base_url=live_server.url).new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def move_to(page, stage: str) -> None:
    page.get_by_role("button", name=f"Move to {stage}").click()
    expect(page.get_by_text("Stage changed; the customer is told.")).to_be_visible()
    expect(page.locator("#current-stage")).to_have_text(stage)


def test_a_repair_goes_through_its_stages_from_the_case_page(page, agent, front_team, case, unit):
    sign_in(page, "agent1")
    page.goto(f"/cases/{case.number}/")
    page.get_by_role("link", name="Repairs", exact=True).first.wait_for()
    page.get_by_role("link", name="Receive a unit for repair").click()
    page.get_by_label("Unit").select_option(label="Aspirapolvere Turbo · VT-0001")
    page.get_by_label("Fault reported").fill("Non aspira più, la spia lampeggia.")
    page.get_by_label("The repair may erase the customer's data").check()
    page.get_by_role("button", name="Receive for repair").click()

    repair = RepairOrder.objects.get(owned_product=unit)
    expect(
        page.get_by_role("heading", name=f"{repair.reference} · Aspirapolvere Turbo")
    ).to_be_visible()
    expect(page.locator("#current-stage")).to_have_text("Received")
    move_to(page, "Diagnosing")

    # The work cannot start before the customer acknowledges the data-loss warning.
    page.get_by_role("button", name="Move to Repairing").click()
    expect(page.locator(".flash.error")).to_contain_text("acknowledged the warning")
    expect(page.locator("#current-stage")).to_have_text("Diagnosing")
    page.get_by_label("How the customer said so").select_option(label="By phone")
    page.get_by_role("button", name="Record the acknowledgement").click()
    expect(page.get_by_text("Acknowledgement recorded.")).to_be_visible()
    expect(page.locator("#data-loss-acknowledgement")).to_contain_text("By phone")

    page.get_by_label("Loaner lent").fill("Loaner L-7")
    page.get_by_role("button", name="Lend").click()
    expect(page.locator("#repair-loaner")).to_contain_text("Loaner L-7")

    move_to(page, "Repairing")
    for stage in STAGES_AFTER_WORK:
        move_to(page, stage)
    expect(page.get_by_role("button", name=re.compile("^Move to"))).to_have_count(0)
    expect(page.locator("#stage-entries li")).to_have_count(6)
    expect(page.locator("#time-total")).to_contain_text("Total")
    page.get_by_role("button", name="Loaner returned").click()
    expect(page.locator("#repair-loaner")).to_contain_text("returned")

    page.get_by_role("link", name=f"{case.reference} {case.subject}").click()
    expect(page.locator("#case-repairs")).to_contain_text(f"{repair.reference}")
    expect(page.locator("#case-repairs")).to_contain_text("Returned")
    expect(page.get_by_text(f"Repair {repair.reference}: Ready → Returned")).to_be_visible()
    expect(page.locator(".kind-outbound").first).to_contain_text("Gentile Chiara,")

    repair.refresh_from_db()
    assert repair.closed_at is not None
    assert repair.entries.count() == 6
    assert case.messages.filter(kind=MessageKind.OUTBOUND).count() == 6
