"""Walk through the agent desk of `loyaldesk demo` in English, French and Italian, and take the
screenshots of docs/walkthrough.md.

It drives Debian's Chromium with Playwright (sync API) against a running demo desk:

    make install
    LOYALDESK_DATA_DIR=/tmp/walk-data .venv/bin/loyaldesk demo --no-serve
    LOYALDESK_HTTPS=0 LOYALDESK_DATA_DIR=/tmp/walk-data .venv/bin/loyaldesk serve --port 8765 &
    LOYALDESK_DATA_DIR=/tmp/walk-data .venv/bin/python docs/walkthrough/capture.py

It logs in with the demo logins of the data directory, changes data as an agent would (takes
cases, replies, notes, links, splits, merges, edits and merges customers), so run it on a
fresh demo data set. The manager creates the demo macro once, in the admin. The customers to
edit and merge are the demo's same-name pairs, read from the SQLite database (read-only).

Screenshots go to docs/walkthrough/<lang>/NN-name.png, reduced with pngquant when it is
installed. The visible text of every screenshot, every HTTP response with its duration, and
console errors go to --out-dir (default /tmp/walkthrough-run) for the write-up.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "fr", "it")
VIEWPORT = {"width": 1280, "height": 800}
MACRO_NAME = "Warranty check"
MACRO_TEXTS = {
    "en": (
        "Hello {{ customer.first_name }},\n\n"
        "Thank you for your message about “{{ case.subject }}” ({{ case.reference }}). "
        "We are checking your warranty and will come back to you within two working days.\n\n"
        "Kind regards,\n{{ agent.first_name }}"
    ),
    "fr": (
        "Bonjour {{ customer.first_name }},\n\n"
        "Merci pour votre message « {{ case.subject }} » ({{ case.reference }}). "
        "Nous vérifions votre garantie et revenons vers vous sous deux jours ouvrés.\n\n"
        "Bien cordialement,\n{{ agent.first_name }}"
    ),
    "it": (
        "Buongiorno {{ customer.first_name }},\n\n"
        "La ringraziamo per il Suo messaggio «{{ case.subject }}» ({{ case.reference }}). "
        "Stiamo verificando la garanzia e La ricontatteremo entro due giorni lavorativi.\n\n"
        "Cordiali saluti,\n{{ agent.first_name }}"
    ),
}
NOTES = {
    "en": "@lead can you confirm the warranty dates? @general.margaud2 FYI, @repairs.giorgia0 too.",
    "fr": "@lead peux-tu confirmer les dates de garantie ? @general.margaud2 pour info.",
    "it": "@lead puoi confermare le date di garanzia? @general.margaud2 per conoscenza.",
}
ATTACHMENT_TEXT = "Warranty card scanned by the customer (walk-through test file).\n"


class Walk:
    """One browser, the log of what happened, and the screenshot helper."""

    def __init__(self, browser, base: str, shots: Path, out: Path, logins: dict) -> None:
        self.browser = browser
        self.base = base.rstrip("/")
        self.shots = shots
        self.out = out
        self.logins = logins
        self.log: list[dict] = []
        self.notes: list[str] = []
        self.pngquant = shutil.which("pngquant")

    # -- plumbing ---------------------------------------------------------------------------
    def session(self, username: str, lang: str) -> Page:
        """A fresh browser context, the language chosen on the login page, then logged in."""
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-US")
        page = context.new_page()
        page.on("requestfinished", lambda request: self._timed(request, username, lang))
        page.on("requestfailed", lambda request: self._note(f"request failed: {request.url}"))
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self._note(f"[{lang}] console error on {page.url}: {msg.text}")
            ),
        )
        page.on("pageerror", lambda error: self._note(f"[{lang}] JS error on {page.url}: {error}"))
        page.goto(self.url("/login/"))
        self.choose_language(page, lang)
        page.fill("#id_username", username)
        page.fill("#id_password", self.logins[username])
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        return page

    def _timed(self, request, username: str, lang: str) -> None:
        response = request.response()
        if response is None or not request.url.startswith(self.base):
            return
        timing = request.timing
        took = timing["responseEnd"] - timing["requestStart"] if timing["responseEnd"] > 0 else -1
        entry = {
            "lang": lang,
            "user": username,
            "method": request.method,
            "url": request.url[len(self.base) :],
            "status": response.status,
            "ms": round(took, 1),
            "htmx": bool(request.headers.get("hx-request")),
        }
        self.log.append(entry)
        if response.status >= 400 and not entry["url"].startswith("/favicon"):
            self._note(f"[{lang}] HTTP {response.status} {request.method} {entry['url']}")

    def _note(self, text: str) -> None:
        print("  !", text, flush=True)
        self.notes.append(text)

    def url(self, path: str) -> str:
        return self.base + path

    def choose_language(self, page: Page, lang: str) -> None:
        """The language selector of the top bar posts to /i18n/setlang/ and comes back."""
        if page.eval_on_selector("#language-select", "el => el.value") == lang:
            return
        page.select_option("#language-select", lang)
        with page.expect_navigation():
            page.click(".language button[type=submit]")

    def shot(self, page: Page, lang: str, name: str, full_page: bool = False) -> None:
        """A PNG of the viewport (or the page) and the visible text beside the run log."""
        page.wait_for_load_state("networkidle")
        path = self.shots / lang / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
        if self.pngquant:
            subprocess.run(
                [self.pngquant, "--quality=65-95", "--speed=1", "--force", "--strip",
                 "--output", str(path), str(path)],
                check=False,
            )  # fmt: skip
        text_path = self.out / "text" / lang / f"{name}.txt"
        text_path.parent.mkdir(parents=True, exist_ok=True)
        text_path.write_text(f"{page.url}\n\n{page.inner_text('body')}", encoding="utf-8")
        print(f"  {lang}/{name}.png {path.stat().st_size // 1024} KB  {page.url}", flush=True)

    def timed_goto(self, page: Page, path: str) -> float:
        start = time.perf_counter()
        page.goto(self.url(path))
        return (time.perf_counter() - start) * 1000

    # -- the manager: macro in the admin ------------------------------------------------------
    def admin_macro(self, lang: str) -> None:
        page = self.session("manager", lang)
        page.click("header nav a[href='/admin/']")
        page.wait_for_load_state()
        page.goto(self.url("/admin/desk/macro/"))
        existing = page.locator("#result_list a", has_text=MACRO_NAME)
        if existing.count():  # made in an earlier language: show it in this one
            existing.first.click()
            page.wait_for_load_state()
            self.shot(page, lang, "00-admin-macro")
            page.context.close()
            return
        page.goto(self.url("/admin/desk/macro/add/"))
        page.fill("#id_name", MACRO_NAME)
        page.fill("#id_description", "Tell the customer the warranty is being checked.")
        page.fill("#id_category", "warranty")
        page.select_option("#id_priority", "high")
        for index, language in enumerate(LANGUAGES):
            if index >= 2:  # the admin shows two empty texts; add the third
                page.click(".add-row a")
            page.select_option(f"#id_texts-{index}-language", language)
            page.fill(f"#id_texts-{index}-text", MACRO_TEXTS[language])
        page.evaluate("window.scrollTo(0, 0)")
        self.shot(page, lang, "00-admin-macro")
        with page.expect_navigation():
            page.click("input[name=_save]")
        for flash in self._flashes_admin(page):
            print("  ", flash, flush=True)
        page.context.close()

    def _flashes_admin(self, page: Page) -> list[str]:
        return [text.strip() for text in page.locator("ul.messagelist li").all_inner_texts()]

    # -- the agent --------------------------------------------------------------------------
    def agent(self, lang: str) -> dict:
        facts: dict = {"lang": lang}
        page = self.session("agent", lang)
        self.shot(page, lang, "02-case-list")

        # Views with counts: open each, count its rows.
        views = {}
        for link in page.locator("nav.views a[href^='?view=']").all():
            views[link.get_attribute("href")] = " ".join(link.inner_text().split())
        facts["views"] = views

        # Filters and sort (HTMX replaces the table and pushes the URL).
        with page.expect_navigation():
            page.click("nav.views a[href='?view=all']")
        for name, value in (("language", lang), ("status", "closed"), ("sort", "opened_at")):
            with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
                page.select_option(f"#id_{name}", value)
            page.wait_for_load_state("networkidle")
        facts["filtered_url"] = page.url
        facts["filtered_rows"] = page.locator("table.cases tbody tr").count()
        self.shot(page, lang, "03-filters-sort")

        # Save the view: the save form carries the filters as the page was first loaded.
        page.fill("#id_name", {"en": "My closed cases", "fr": "Mes dossiers clos",
                               "it": "I miei casi chiusi"}[lang])  # fmt: skip
        with page.expect_navigation():
            page.click("form.save-view button")
        facts["saved_view_url"] = page.url
        facts["saved_view_filters"] = {
            name: page.eval_on_selector(f"#filters [name={name}]", "el => el.value")
            for name in ("view", "status", "language", "sort")
        }
        self.shot(page, lang, "04-saved-view")

        # The case this walk works on: an open case of a customer speaking `lang`, not mine yet.
        page.goto(self.url(f"/cases/?view=open&language={lang}"))
        me = page.locator("header a.who").inner_text().strip()
        number = self._pick_case(page, me) or self._pick_case_any(page, me)
        facts["case"] = number

        # Bulk action bar: tick two rows of all open cases, raise their priority.
        page.goto(self.url("/cases/?view=open"))
        boxes = page.locator("table.cases tbody input[type=checkbox]")
        for index in range(min(2, boxes.count())):
            boxes.nth(index).check()
        page.select_option("#bulk [name=action]", "priority")
        page.select_option("#bulk [name=priority]", "high")
        self.shot(page, lang, "05-bulk-bar")
        with page.expect_navigation():
            page.click("#bulk .bulk-bar button")
        facts["bulk_flash"] = self._flashes(page)

        # The case page: read what the searches will look for.
        page.goto(self.url(f"/cases/{number}/"))
        customer = page.locator("aside a[href^='/customers/']").first
        facts["customer"] = customer.inner_text().strip()
        facts["customer_url"] = customer.get_attribute("href")
        first_text = page.locator("#thread-messages article.kind-inbound .body").first.inner_text()
        words = [w for w in re.findall(r"[^\W\d_]{7,}", first_text) if w.lower() != w.upper()]
        facts["word"] = max(words, key=len) if words else facts["customer"].split()[-1]
        page.goto(self.url(facts["customer_url"]))
        emails = re.findall(
            r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", page.inner_text("#contact-heading + ul")
        )
        facts["email"] = emails[0] if emails else ""

        # Search from the top bar.
        searches = {
            "number": str(number),
            "hash-number": f"#{number}",
            "last-name": facts["customer"].split()[-1],
            "word": facts["word"],
            "email": facts["email"],
        }
        facts["searches"] = {}
        for kind, query in searches.items():
            if not query:
                continue
            page.goto(self.url(f"/cases/{number}/"))
            page.fill("#top-search", query)
            start = time.perf_counter()
            with page.expect_navigation():
                page.press("#top-search", "Enter")
            took = (time.perf_counter() - start) * 1000
            rows = page.locator("table.cases tbody tr a.case-link").count()
            facts["searches"][kind] = {"q": query, "rows": rows, "ms": round(took)}
            if kind in ("word", "email"):
                self.shot(page, lang, f"06-search-{kind}")

        # Work the case.
        page.goto(self.url(f"/cases/{number}/"))
        take = page.locator("#assign-form button[name=take]")
        if take.count():
            with page.expect_navigation():
                take.click()
        self.shot(page, lang, "07-case")

        # Macro into the reply box (HTMX), a file attached, sent keeping the case open.
        if page.locator("#id_macro_pick").count():
            value = page.locator("#id_macro_pick option", has_text=MACRO_NAME).first
            page.select_option("#id_macro_pick", value.get_attribute("value"))
            page.wait_for_function("document.querySelector('#id_reply_text').value.length > 0")
            page.wait_for_load_state("networkidle")
            facts["macro_text"] = page.input_value("#id_reply_text")
            page.locator("#macro-picker").evaluate(
                "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60)"
            )
            self.shot(page, lang, "08-macro-inserted")
        else:
            page.fill("#id_reply_text", "Thank you, we are looking into it.")
        attachment = self.out / f"warranty-card-{lang}.txt"
        attachment.write_text(ATTACHMENT_TEXT, encoding="utf-8")
        page.set_input_files("#id_reply_files", str(attachment))
        page.select_option("#id_then", "open")
        with page.expect_navigation():
            page.click("#reply-form button[type=submit]")
        facts["reply_flash"] = self._flashes(page)
        page.locator("#thread-messages article").last.scroll_into_view_if_needed()
        self.shot(page, lang, "09-reply-sent")

        # Internal note with @mentions.
        page.fill("#id_note_text", NOTES[lang])
        with page.expect_navigation():
            page.click("#note-form button[type=submit]")
        facts["note_flash"] = self._flashes(page)
        page.locator("#thread-messages article").last.scroll_into_view_if_needed()
        self.shot(page, lang, "10-note-mention")

        # Move the status.
        page.select_option("#status-form select", "pending_internal")
        with page.expect_navigation():
            page.click("#status-form button")
        facts["status_flash"] = self._flashes(page)

        # Link to the customer's earlier case (the first of "Other cases" on the case page).
        others = page.locator("aside h3 + ul a[href^='/cases/']")
        other = others.first.inner_text().strip().lstrip("#") if others.count() else None
        if other:
            page.fill("#id_other", other)
            with page.expect_navigation() as navigation:
                page.click("#link-form button")
            facts["link_status"] = navigation.value.status
            facts["linked"] = other
            if navigation.value.status != 200:
                # That case is in a queue the agent does not see: the page is a bare error.
                self.shot(page, lang, "12a-link-refused")
                customer_id = facts["customer_url"].strip("/").rsplit("/", 1)[-1]
                page.goto(self.url(f"/cases/?view=all&customer={customer_id}"))
                cells = page.locator("table.cases tbody td:nth-child(2) a").all_inner_texts()
                numbers = [text.strip().lstrip("#") for text in cells]
                other = next((n for n in numbers if n != str(number)), None)
                if other is None:  # none of the customer's other cases is visible: any closed one
                    page.goto(self.url("/cases/?view=all&status=closed"))
                    other = page.locator("table.cases tbody td:nth-child(2) a").first.inner_text()
                    other = other.strip().lstrip("#")
                page.goto(self.url(f"/cases/{number}/"))
                page.fill("#id_other", other)
                with page.expect_navigation():
                    page.click("#link-form button")
                facts["linked"] = other
            facts["link_flash"] = self._flashes(page)

        # Split the customer's message into a new case, then merge that one back as a duplicate.
        split = page.locator("#thread-messages .split-form button")
        if split.count():
            with page.expect_navigation():
                split.first.click()
            facts["split_flash"] = self._flashes(page)
            facts["split_case"] = page.url.rstrip("/").rsplit("/", 1)[-1]
            self.shot(page, lang, "11-split")
            if facts.get("linked"):  # first, by mistake, into the closed case linked above
                page.fill("#id_into", facts["linked"])
                page.check("#id_confirm")
                with page.expect_navigation() as navigation:
                    page.click("#merge-form button")
                facts["merge_refused_status"] = navigation.value.status
                facts["merge_refused_flash"] = self._flashes(page)
                self.shot(page, lang, "12b-merge-refused")
                if navigation.value.status != 200:
                    page.goto(self.url(f"/cases/{facts['split_case']}/"))
            page.fill("#id_into", str(number))
            page.check("#id_confirm")
            with page.expect_navigation():
                page.click("#merge-form button")
            facts["merge_flash"] = self._flashes(page)
            self.shot(page, lang, "12-linked-merged", full_page=True)

        # The keyboard help.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("?")
        page.wait_for_selector("#shortcuts-help[open]")
        self.shot(page, lang, "13-shortcuts")
        page.keyboard.press("Escape")

        # The customer page.
        page.click("aside a[href^='/customers/']")
        page.wait_for_load_state()
        self.shot(page, lang, "14-customer")
        page.locator("#products-heading").evaluate(
            "el => window.scrollTo(0, el.closest('section').getBoundingClientRect().top"
            " + window.scrollY - 10)"
        )
        self.shot(page, lang, "15-customer-products")

        # Password change, a wrong current password first.
        page.click("header a.who")
        page.wait_for_load_state()
        page.fill("#id_old_password", "not-my-password")
        page.fill("#id_new_password1", "short")
        page.fill("#id_new_password2", "shorter")
        with page.expect_navigation():
            page.click("#password-form button")
        self.shot(page, lang, "18-password")

        # Sign out.
        with page.expect_navigation():
            page.click("header form[action='/logout/'] button")
        facts["after_logout"] = page.url
        facts["after_logout_lang"] = page.eval_on_selector("html", "el => el.lang")
        page.context.close()
        return facts

    def _pick_case(self, page: Page, me: str) -> int | None:
        for row in page.locator("table.cases tbody tr").all():
            cells = row.locator("td")
            if cells.count() < 9:
                continue
            if cells.nth(7).inner_text().strip() != me:
                return int(cells.nth(1).inner_text().strip().lstrip("#"))
        return None

    def _pick_case_any(self, page: Page, me: str) -> int:
        page.goto(self.url("/cases/?view=open"))
        return self._pick_case(page, me) or int(
            page.locator("table.cases tbody tr td:nth-child(2)").first.inner_text().lstrip("#")
        )

    def _flashes(self, page: Page) -> list[str]:
        return [text.strip() for text in page.locator("main .flash").all_inner_texts()]

    # -- the manager: customer edit and merge ---------------------------------------------------
    def manager_customer(self, lang: str, survivor: int, duplicate: int) -> dict:
        facts: dict = {"survivor": survivor, "duplicate": duplicate}
        page = self.session("manager", lang)
        page.goto(self.url(f"/customers/{survivor}/"))
        facts["possible_duplicates"] = page.locator("#merge-heading ~ ul a").all_inner_texts()
        page.click(f"a[href='/customers/{survivor}/edit/']")
        page.wait_for_load_state()
        self.shot(page, lang, "16-customer-edit")
        page.fill("#id_city", {"en": "Bristol", "fr": "Lyon", "it": "Torino"}[lang])
        with page.expect_navigation():
            page.click("#customer-form button[type=submit]")
        facts["edit_flash"] = self._flashes(page)
        page.fill("#id_duplicate", str(duplicate))
        with page.expect_navigation():
            page.click("#merge-form button")
        self.shot(page, lang, "17-customer-merge-confirm")
        with page.expect_navigation():
            page.click("#merge-confirm-form button[type=submit]")
        facts["merge_flash"] = self._flashes(page)
        page.goto(self.url(f"/customers/{duplicate}/"))
        facts["duplicate_redirects_to"] = page.url
        facts["duplicate_flash"] = self._flashes(page)
        page.context.close()
        return facts

    def login_page(self, lang: str) -> None:
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-US")
        page = context.new_page()
        page.goto(self.url("/login/"))
        self.choose_language(page, lang)
        self.shot(page, lang, "01-login")
        context.close()


def same_name_pairs(database: Path) -> dict[str, tuple[int, int]]:
    """One pair of same-name customer records per language, from the demo database."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = connection.execute(
        """select a.preferred_language, a.id, b.id from customers_customer a
           join customers_customer b on a.first_name = b.first_name
            and a.last_name = b.last_name and a.id < b.id
           where a.merged_into_id is null and b.merged_into_id is null order by a.id"""
    ).fetchall()
    connection.close()
    pairs: dict[str, tuple[int, int]] = {}
    spare = []
    for language, survivor, duplicate in rows:
        if language in pairs:
            spare.append((survivor, duplicate))
        else:
            pairs[language] = (survivor, duplicate)
    for language in LANGUAGES:
        if language not in pairs and spare:
            pairs[language] = spare.pop(0)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765", help="the demo desk's URL")
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LOYALDESK_DATA_DIR", "loyaldesk-data"),
        help="the demo's data directory (logins and database)",
    )
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--shots", default=str(HERE), help="where <lang>/NN-name.png go")
    parser.add_argument("--out-dir", default="/tmp/walkthrough-run", help="text, logs, facts")
    options = parser.parse_args()

    data_dir = Path(options.data_dir)
    logins = json.loads((data_dir / "demo-credentials.json").read_text(encoding="utf-8"))
    pairs = same_name_pairs(data_dir / "loyaldesk.sqlite3")
    out = Path(options.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    facts: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking"],
        )
        walk = Walk(browser, options.base, Path(options.shots), out, logins)
        try:
            for lang in options.languages.split(","):
                print(f"== {lang}", flush=True)
                facts[lang] = {}
                walk.login_page(lang)
                walk.admin_macro(lang)
                facts[lang]["agent"] = walk.agent(lang)
                if lang in pairs:
                    facts[lang]["manager"] = walk.manager_customer(lang, *pairs[lang])
        finally:
            browser.close()
            (out / "facts.json").write_text(json.dumps(facts, indent=2, ensure_ascii=False))
            (out / "requests.json").write_text(json.dumps(walk.log, indent=1))
            (out / "notes.txt").write_text("\n".join(walk.notes))
    slow = sorted(walk.log, key=lambda entry: -entry["ms"])[:10]
    print("slowest responses:")
    for entry in slow:
        print(f"  {entry['ms']:8.0f} ms {entry['status']} {entry['method']} {entry['url']}")
    print(f"facts, text and request log in {out}")
    sys.exit(0)


if __name__ == "__main__":
    main()
