"""Macros and keyboard shortcuts in a real headless Chromium (Debian's), driven by Playwright."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.desk.models import AfterReply, Case, Macro, MacroText
from loyaldesk.desk.services import open_case
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser(live_server, monkeypatch):
    # As in test_browser.py: Playwright's sync API runs an event loop in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


def signed_in(browser, live_server, *, javascript=True):
    page = browser.new_context(base_url=live_server.url, java_script_enabled=javascript).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/")
    page.get_by_label("Username").fill("agent1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    return page


@pytest.fixture
def macros(db):
    warranty = Macro.objects.create(
        name="Warranty repair", then=AfterReply.RESOLVED, priority="high", category="warranty"
    )
    MacroText.objects.create(
        macro=warranty, language="en", text="Hello {{ customer.first_name }}, it is covered."
    )
    MacroText.objects.create(
        macro=warranty,
        language="it",
        text="Buongiorno {{ customer.first_name }}, la riparazione è in garanzia.",
    )
    ask = Macro.objects.create(name="Ask for the receipt")
    MacroText.objects.create(
        macro=ask, language="it", text="Gentile {{ customer.full_name }}, ci manda lo scontrino?"
    )
    return warranty, ask


def field_value(page, label):
    return page.locator(f"dt:text-is('{label}') + dd")


def test_agent_inserts_a_macro_edits_it_and_sends_it_with_its_changes(
    browser, live_server, agent, front_team, case, macros
):
    page = signed_in(browser, live_server)
    page.goto(f"/cases/{case.number}/")
    reply_box = page.get_by_label("Reply to the customer")

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_text("Write the reply")).to_be_visible()
    expect(page.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("r")
    expect(reply_box).to_be_focused()
    reply_box.press_sequentially("ran?")  # letters typed in a field stay text
    expect(reply_box).to_have_value("ran?")
    expect(reply_box).to_be_focused()
    reply_box.fill("")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    expect(page.get_by_label("Internal note")).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("m")
    picker = page.get_by_label("Insert a macro")
    expect(picker).to_be_focused()

    picker.select_option(label="Warranty repair")
    expect(reply_box).to_have_value("Buongiorno Chiara, la riparazione è in garanzia.")
    expect(page.get_by_label("Then")).to_have_value("resolved")
    expect(page.get_by_text("is in the reply box, in Italian")).to_be_visible()
    expect(page.get_by_text("sets the priority to High")).to_be_visible()

    reply_box.fill("Buongiorno Chiara, la riparazione è in garanzia. A presto!")
    page.once("dialog", lambda dialog: dialog.dismiss())
    picker.select_option(label="Ask for the receipt")
    expect(reply_box).to_have_value("Buongiorno Chiara, la riparazione è in garanzia. A presto!")

    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply queued for sending.")).to_be_visible()
    expect(page.get_by_text("A presto!")).to_be_visible()
    expect(field_value(page, "Status")).to_have_text("Resolved")
    expect(field_value(page, "Priority")).to_have_text("High")
    expect(field_value(page, "Category")).to_have_text("Warranty")
    expect(page.get_by_text("Macro “Warranty repair” used")).to_be_visible()

    sent = Case.objects.get(pk=case.pk)
    assert (sent.status, sent.priority) == ("resolved", "high")


def test_the_picker_works_without_javascript(browser, live_server, agent, front_team, case, macros):
    page = signed_in(browser, live_server, javascript=False)
    page.goto(f"/cases/{case.number}/")
    page.get_by_label("Insert a macro").select_option(label="Ask for the receipt")
    page.get_by_role("button", name="Insert").click()
    reply_box = page.get_by_label("Reply to the customer")
    expect(reply_box).to_have_value("Gentile Chiara Rossi, ci manda lo scontrino?")
    expect(page.get_by_label("Then")).to_have_value("pending_customer")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply queued for sending.")).to_be_visible()
    expect(field_value(page, "Status")).to_have_text("Pending customer")
    assert Case.objects.get(pk=case.pk).events.filter(kind="case.macro_applied").exists()


def test_list_keys_move_between_cases_and_a_takes_the_case(
    browser, live_server, agent, front_team, case, customer
):
    other = open_case(customer=customer, subject="Ordine in ritardo", text="?", channel="email")
    page = signed_in(browser, live_server)
    page.goto("/cases/?view=all&sort=number")
    first, second = (page.get_by_role("link", name=c.subject) for c in (case, other))
    page.keyboard.press("j")
    expect(first).to_be_focused()
    page.keyboard.press("j")
    expect(second).to_be_focused()
    page.keyboard.press("k")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(case.subject))).to_be_visible()
    # The heading shows before the page's deferred script listens for keys.
    page.wait_for_load_state()

    page.keyboard.press("a")
    expect(page.get_by_text("Assignment saved.")).to_be_visible()
    expect(field_value(page, "Assignee")).to_have_text(str(agent))
    page.keyboard.press("a")
    # An agent does not choose whom to give a case to: "a" goes to handing it back.
    expect(page.get_by_role("button", name="Hand back to the queue")).to_be_focused()
