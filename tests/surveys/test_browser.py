"""A customer answers a survey from the email's link on a phone, in a real headless Chromium
(Debian's), driven by Playwright; the email itself goes through a real SMTP server."""

import re
from email import message_from_bytes
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect, sync_playwright

from loyaldesk.surveys.models import Answer, Invitation, RecoveryTask
from loyaldesk.surveys.services import invite

CHROMIUM = "/usr/bin/chromium"
PHONE_WIDTH = 375
# A small phone held upright: CSS pixels, a retina screen, touch, the mobile viewport rules.
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TOUCH_TARGET = 44  # CSS pixels, the smallest comfortable tap target


@pytest.fixture
def phone(live_server, monkeypatch, settings):
    """A page in Chromium on a phone-sized screen; survey links in emails point at the server."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous, so Django is told they are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PUBLIC_URL = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        # The phone speaks English: the page must follow the customer's language, not the
        # browser's.
        page = browser.new_context(**PHONE, locale="en-US").new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


class _Links(HTMLParser):
    """The links of an HTML document: (href, title, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attributes = dict(attrs)
            self._open = [attributes.get("href") or "", attributes.get("title") or "", ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append((self._open[0], self._open[1], self._open[2].strip()))
            self._open = None


def received_email(inbox):
    """The last email the SMTP server received: its recipients, the message, its text part and
    its HTML part."""
    envelope = inbox.envelopes[-1]
    mail = message_from_bytes(envelope.content)
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in mail.walk()
        if not part.is_multipart()
    }
    return envelope.rcpt_tos, mail, parts["text/plain"], parts["text/html"]


def send_invitation(survey, case, inbox, capture):
    """Invite the case's customer and let the outbox deliver the email over SMTP."""
    with capture(execute=True):
        invitation = invite(survey, case.customer, case=case)
    assert invitation.was_sent
    invitation.refresh_from_db()
    assert invitation.delivery.state == "sent"
    return invitation


def rating_links(html: str) -> dict[int, tuple[str, str]]:
    """The one-click rating buttons of the email's HTML: score → (address, label)."""
    parser = _Links()
    parser.feed(html)
    return {int(text): (href, title) for href, title, text in parser.links if "/rate/" in href}


def assert_fits_a_phone(page, tiles: bool = True) -> None:
    """No sideways scrolling; every answer tile a comfortable tap target inside the screen, with
    its words inside its border."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == PHONE_WIDTH  # not zoomed out to make room for something too wide
    assert scroll_width <= inner_width
    if not tiles:
        return
    options = page.locator(".option").evaluate_all(
        """options => options.map(option => {
            const box = option.getBoundingClientRect(), tile = option.lastElementChild;
            return {
                text: tile.textContent,
                left: box.left,
                right: box.right,
                width: box.width,
                height: box.height,
                spills: tile.scrollWidth > tile.clientWidth
                    || tile.scrollHeight > tile.clientHeight,
            };
        })"""
    )
    assert options
    for option in options:
        assert option["height"] >= TOUCH_TARGET, option
        assert option["width"] >= TOUCH_TARGET, option
        assert option["left"] >= 0, option
        assert option["right"] <= PHONE_WIDTH, option
        assert not option["spills"], option


def assert_controls_are_named(page, groups: int, comment: str) -> None:
    """Every radio is in a group named by its legend; the free text is named by its label."""
    legends = page.locator("fieldset > legend")
    expect(legends).to_have_count(groups)
    expect(page.get_by_role("group")).to_have_count(groups)
    radios_in_named_groups = 0
    for index in range(groups):
        group = page.get_by_role("group").nth(index)
        expect(group).to_have_accessible_name(legends.nth(index).inner_text())
        radios_in_named_groups += group.get_by_role("radio").count()
    expect(page.get_by_role("radio")).to_have_count(radios_in_named_groups)
    expect(page.get_by_role("textbox")).to_have_count(1)
    expect(page.get_by_role("textbox", name=comment)).to_be_visible()


def tab_order(page, stop_at) -> list[str]:
    """The form fields Tab visits from the top of the page until `stop_at` has the focus."""
    visited = []
    for _ in range(20):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.name || document.activeElement.type"))
        if stop_at.evaluate("element => element === document.activeElement"):
            return visited
    raise AssertionError(f"Tab never reached the button: {visited}")


def test_customer_answers_from_the_email_link_on_a_phone(
    phone,
    live_server,
    standard_surveys,
    resolved_case,
    smtp_inbox,
    jobs_run_now,
    django_capture_on_commit_callbacks,
):
    page = phone
    survey = standard_surveys["After a resolution"]
    invitation = send_invitation(
        survey, resolved_case, smtp_inbox, django_capture_on_commit_callbacks
    )
    q = {question.kind: question for question in survey.questions.all()}

    recipients, mail, text, html = received_email(smtp_inbox)
    assert recipients == ["chiara.rossi@example.it"]
    assert resolved_case.reference in mail["Subject"]
    links = rating_links(html)
    assert sorted(links) == [1, 2, 3, 4, 5]
    survey_url = links[4][0].removesuffix("rate/4/")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/s/[\w-]+/", survey_url)
    for score, (address, _) in links.items():
        assert address == f"{survey_url}rate/{score}/"
        assert address in text  # the plain-text part carries the same one-click links
    assert survey_url in html
    assert survey_url in text
    assert links[4][1] == "Soddisfatto"

    # One tap on "4" (Soddisfatto) in the email: the survey opens, in Italian, with 4 chosen.
    page.goto(links[4][0])
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", name="La sua opinione")).to_be_visible()
    expect(page.get_by_text(f"Sulla sua richiesta {resolved_case.reference}")).to_be_visible()
    csat = page.get_by_role("group", name=re.compile(r"^Quanto è soddisfatto dell'aiuto"))
    expectation = page.get_by_role("group", name=re.compile(r"^Rispetto a quanto si aspettava"))
    overall = page.get_by_role("group", name=re.compile(r"^Nel complesso"))
    ces = page.get_by_role("group", name=re.compile(r"^Quanto è stato facile"))
    comment = "C'è qualcosa che avremmo potuto fare meglio?"
    expect(csat.get_by_role("radio", name="4 Soddisfatto")).to_be_checked()
    expect(csat.get_by_role("radio", checked=True)).to_have_count(1)
    for group in (expectation, overall, ces):
        expect(group.get_by_role("radio", checked=True)).to_have_count(0)
    # The page records the tap at once (a script, which mail scanners do not run), should the
    # customer go no further, and moves to the survey's own address.
    expect(page.get_by_role("status")).to_have_text(
        "Grazie, la sua valutazione è registrata. Risponderebbe anche alle altre domande?"
    )
    expect(page).to_have_url(survey_url)
    assert Answer.objects.get(invitation=invitation, question=q["csat"]).score == 4

    # Made for a phone: nothing wider than the screen, big tiles, every control named, and the
    # whole form reachable with a keyboard (or a switch, or a screen reader's next-field key).
    assert_fits_a_phone(page)
    assert_controls_are_named(page, 4, comment)
    submit = page.get_by_role("button", name="Invia le mie risposte")
    assert tab_order(page, submit) == [
        f"q{q['csat'].pk}",
        f"q{q['expectation'].pk}",
        f"q{q['overall'].pk}",
        f"q{q['ces'].pk}",
        f"q{q['text'].pk}",
        "submit",
    ]
    expect(submit).to_be_focused()

    expectation.get_by_role("radio", name="4 Meglio").tap()
    overall.get_by_role("radio", name="3 Buona").tap()
    ces.get_by_role("radio", name="6", exact=True).tap()
    expect(expectation.get_by_role("radio", name="4 Meglio")).to_be_checked()
    expect(ces.get_by_role("radio", name="6", exact=True)).to_be_checked()
    remark = "Tecnico puntuale, però ho dovuto chiamare due volte."
    textbox = page.get_by_role("textbox", name=comment)
    textbox.tap()
    expect(textbox).to_be_focused()
    page.keyboard.type(remark)
    expect(textbox).to_have_value(remark)
    submit.tap()

    expect(page.get_by_role("heading", name="Grazie")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Abbiamo ricevuto le sue risposte. Ci aiutano a servirla meglio."
    )
    assert_fits_a_phone(page, tiles=False)

    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    scores = dict(invitation.answers.exclude(score=None).values_list("kind", "score"))
    assert scores == {"csat": 4, "expectation": 4, "overall": 3, "ces": 6}
    assert invitation.answers.get(kind="text").text == remark
    assert not RecoveryTask.objects.exists()

    # The email's links again, later: "already answered", and the answers stay as they were.
    page.goto(links[1][0])
    expect(page.get_by_role("heading", name="Già risposto")).to_be_visible()
    expect(page.get_by_text("Ha già risposto a questo sondaggio.")).to_be_visible()
    page.goto(survey_url)
    expect(page.get_by_role("heading", name="Già risposto")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    assert dict(invitation.answers.exclude(score=None).values_list("kind", "score")) == scores
    assert invitation.answers.get(kind="text").text == remark
    assert invitation.answers.count() == 5
    assert Invitation.objects.get(pk=invitation.pk).completed_at == invitation.completed_at


def test_a_detractor_tapping_a_low_score_in_the_email_opens_a_recovery_task(
    phone,
    standard_surveys,
    resolved_case,
    lead,
    smtp_inbox,
    jobs_run_now,
    django_capture_on_commit_callbacks,
):
    page = phone
    survey = standard_surveys["Relationship NPS"]
    invitation = send_invitation(
        survey, resolved_case, smtp_inbox, django_capture_on_commit_callbacks
    )
    links = rating_links(received_email(smtp_inbox)[3])
    assert sorted(links) == list(range(11))

    page.goto(links[3][0])
    nps = page.get_by_role("group", name=re.compile(r"^Con quale probabilità ci raccomanderebbe"))
    expect(nps.get_by_role("radio", name="3", exact=True)).to_be_checked()
    assert_fits_a_phone(page)  # all eleven tiles, 0 to 10, on a 375 px screen
    expect(page.get_by_role("status")).not_to_be_empty()

    task = RecoveryTask.objects.get()
    assert (task.invitation, task.reason, task.owner) == (invitation, "detractor", lead)
    assert task.case == resolved_case
