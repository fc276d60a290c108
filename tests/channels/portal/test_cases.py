"""A signed-in customer's cases: only theirs, without internal notes; replies wake the case;
new cases with a product and files land in the portal queue; files bounded and private."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from loyaldesk.channels.portal.submissions import new_submission_key
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Attachment, Case, Event, Queue
from loyaldesk.desk.services import (
    add_customer_message,
    add_internal_note,
    change_status,
    open_case,
    reply_to_customer,
)


@pytest.fixture
def other_customer(db):
    return create_customer(first_name="Luc", last_name="Martin", emails=["luc@example.fr"])


@pytest.fixture
def others_case(other_customer, queue):
    return open_case(customer=other_customer, subject="Facture", text="...", channel="email")


def test_the_list_shows_the_customers_cases_only(sign_in_as, customer, case, others_case):
    page = sign_in_as(customer).get("/portal/cases/")
    html = page.content.decode()
    assert page.status_code == 200
    assert case.subject in html
    assert others_case.subject not in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_another_customers_case_and_files_do_not_exist(sign_in_as, customer, others_case):
    http = sign_in_as(customer)
    assert http.get(f"/portal/cases/{others_case.number}/").status_code == 404
    key = new_submission_key("reply")
    reply = http.post(f"/portal/cases/{others_case.number}/reply/", {"text": "hi", "key": key})
    assert reply.status_code == 404
    file = Attachment.objects.create(
        message=others_case.messages.get(),
        filename="f.txt",
        content_type="text/plain",
        size=1,
        sha256="0" * 64,
        file="attachments/x.txt",
    )
    assert http.get(f"/portal/cases/{others_case.number}/files/{file.pk}/").status_code == 404
    assert others_case.messages.count() == 1


def test_the_case_page_shows_the_thread_without_internal_notes(
    sign_in_as, customer, case, agent, front_team
):
    reply_to_customer(case, agent=agent, text="Le mandiamo un tecnico martedì.")
    add_internal_note(case, agent=agent, text="SECRET: customer is a known complainer")
    page = sign_in_as(customer).get(f"/portal/cases/{case.number}/")
    html = page.content.decode()
    assert "non si accende più" in html
    assert "Le mandiamo un tecnico" in html
    assert "SECRET" not in html
    assert "agent1" not in html
    assert "Paul" not in html


def test_the_quoted_history_of_a_customer_email_is_folded_away_but_kept(sign_in_as, customer, case):
    add_customer_message(
        case,
        text="Ecco la foto.\n\nIl giorno lun 2 mar 2026 alle 10:00 Servizio ha scritto:\n"
        "> Può mandarci una foto?",
        channel="email",
    )
    html = sign_in_as(customer).get(f"/portal/cases/{case.number}/").content.decode()
    new, _, folded = html.partition('<details class="quoted">')
    assert "Ecco la foto." in new
    assert "mandarci una foto" not in new
    assert "mandarci una foto" in folded


def test_a_note_files_are_not_downloadable(sign_in_as, customer, case, agent, front_team):
    from loyaldesk.desk.attachments import store_upload

    upload = store_upload(SimpleUploadedFile("notes.txt", b"internal"), uploaded_by=agent)
    note = add_internal_note(case, agent=agent, text="see file", attachments=[upload])
    assert note.attachments.get() == upload
    response = sign_in_as(customer).get(f"/portal/cases/{case.number}/files/{upload.pk}/")
    assert response.status_code == 404


def test_a_reply_lands_in_the_thread_and_wakes_the_case(
    sign_in_as, customer, case, agent, front_team
):
    change_status(case, Status.PENDING_CUSTOMER, actor=agent)
    http = sign_in_as(customer)
    key = new_submission_key("reply")
    files = [SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg")]
    response = http.post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "Ecco la foto del difetto.", "key": key, "files": files},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.OPEN
    message = case.messages.order_by("-pk").first()
    assert (message.kind, message.channel, message.author_customer) == (
        "inbound",
        "portal",
        customer,
    )
    assert message.text == "Ecco la foto del difetto."
    assert json.loads(message.raw_source.read())["text"] == "Ecco la foto del difetto."
    attachment = message.attachments.get()
    assert attachment.filename == "foto.jpg"
    assert Event.objects.filter(case=case, kind="message.added", after__message=message.pk).exists()

    download = http.get(f"/portal/cases/{case.number}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0 photo"

    # The same form posted again (a double click, a reload) adds nothing.
    again = http.post(f"/portal/cases/{case.number}/reply/", {"text": "Ecco", "key": key})
    assert again.status_code == 302
    assert case.messages.filter(kind="inbound").count() == 2


def test_a_reply_reopens_a_resolved_case(sign_in_as, customer, case, agent, front_team):
    change_status(case, Status.RESOLVED, actor=agent)
    sign_in_as(customer).post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "Non funziona ancora.", "key": new_submission_key("reply")},
    )
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.reopen_count == 1


def test_a_closed_case_takes_no_reply(sign_in_as, customer, case, agent, front_team):
    change_status(case, Status.RESOLVED, actor=agent)
    change_status(case, Status.CLOSED, actor=agent)
    http = sign_in_as(customer)
    with translation.override(customer.preferred_language):
        send, closed = (
            gettext("Send my reply"),
            gettext("This case is closed. Please open a new one."),
        )
    assert send not in http.get(f"/portal/cases/{case.number}/").content.decode()
    response = http.post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "Ancora io", "key": new_submission_key("reply")},
        follow=True,
    )
    assert closed in response.content.decode()
    assert case.messages.count() == 1


def test_files_are_bounded(sign_in_as, customer, case, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    http = sign_in_as(customer)
    big = SimpleUploadedFile("big.bin", b"x" * 1001)
    response = http.post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "Big file", "key": new_submission_key("reply"), "files": [big]},
    )
    assert response.status_code == 400
    eleven = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(11)]
    response = http.post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "Many files", "key": new_submission_key("reply"), "files": eleven},
    )
    assert response.status_code == 400
    assert case.messages.count() == 1
    assert not Attachment.objects.exists()


def test_a_stale_or_forged_form_key_is_refused(sign_in_as, customer, case):
    http = sign_in_as(customer)
    for key in ["", "forged", new_submission_key("contact")]:
        response = http.post(f"/portal/cases/{case.number}/reply/", {"text": "x", "key": key})
        assert response.status_code == 400
    assert case.messages.count() == 1


def test_csrf_is_enforced_on_the_portal(customer, case, sign_in_as):
    http = sign_in_as(customer, http=Client(enforce_csrf_checks=True))
    path = f"/portal/cases/{case.number}/reply/"
    forged = http.post(path, {"text": "forged", "key": new_submission_key("reply")})
    assert forged.status_code == 403
    assert case.messages.count() == 1
    token = http.get(f"/portal/cases/{case.number}/").context["csrf_token"]
    data = {"text": "mine", "key": new_submission_key("reply"), "csrfmiddlewaretoken": token}
    assert http.post(path, data).status_code == 302
    assert case.messages.count() == 2


def test_a_new_case_with_a_product_and_a_file_opens_in_the_portal_queue(
    sign_in_as, customer, vacuum, queue, settings
):
    portal_queue = Queue.objects.create(name="Web", slug="web")
    settings.PORTAL_QUEUE = "web"
    http = sign_in_as(customer)
    form = http.get("/portal/cases/new/")
    assert "Aspira 200 · SN-4411" in form.content.decode()
    manual = SimpleUploadedFile(
        "scontrino.pdf", b"%PDF-1.4 receipt", content_type="application/pdf"
    )
    response = http.post(
        "/portal/cases/new/",
        {
            "category": "defect",
            "owned_product": vacuum.pk,
            "subject": "Non aspira",
            "description": "Da ieri non aspira più.",
            "files": [manual],
            "key": new_submission_key("case"),
        },
    )
    case = Case.objects.get(subject="Non aspira")
    assert response["Location"] == f"/portal/cases/{case.number}/"
    assert (case.queue, case.category, case.origin_channel) == (portal_queue, "defect", "portal")
    assert case.customer == customer
    message = case.messages.get()
    assert "Aspira 200 (SN-4411)" in message.text
    assert "Da ieri non aspira più." in message.text
    assert json.loads(message.raw_source.read())["owned_product"] == vacuum.pk
    assert message.attachments.get().filename == "scontrino.pdf"
    assert Event.objects.filter(case=case, kind="case.opened").exists()


def test_a_new_case_goes_to_the_default_queue_without_a_portal_queue(sign_in_as, customer, queue):
    sign_in_as(customer).post(
        "/portal/cases/new/",
        {
            "category": "billing",
            "subject": "Fattura",
            "description": "Manca la fattura.",
            "key": new_submission_key("case"),
        },
    )
    assert Case.objects.get(subject="Fattura").queue == queue


def test_another_customers_product_cannot_be_chosen(sign_in_as, other_customer, vacuum, queue):
    response = sign_in_as(other_customer).post(
        "/portal/cases/new/",
        {
            "category": "defect",
            "owned_product": vacuum.pk,
            "subject": "x",
            "description": "y",
            "key": new_submission_key("case"),
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_without_any_queue_the_customer_is_told_not_crashed(sign_in_as, customer):
    response = sign_in_as(customer).post(
        "/portal/cases/new/",
        {
            "category": "billing",
            "subject": "Fattura",
            "description": "Manca.",
            "key": new_submission_key("case"),
        },
    )
    assert response.status_code == 503
    assert not Case.objects.exists()


def test_the_portal_speaks_the_customers_language(sign_in_as, french_customer, queue):
    http = sign_in_as(french_customer)
    page = http.get("/portal/cases/", HTTP_ACCEPT_LANGUAGE="it")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()
    new = http.get("/portal/cases/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in new.content.decode()


def test_anonymous_pages_follow_the_browser_and_the_switch(client, db):
    page = client.get("/portal/sign-in/", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="it">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/portal/sign-in/"})
    page = client.get("/portal/sign-in/", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="fr">' in page.content.decode()


def test_a_file_of_a_type_not_allowed_is_refused(sign_in_as, customer, case):
    page = SimpleUploadedFile("invoice.html", b"<html><script>alert(1)</script></html>")
    response = sign_in_as(customer).post(
        f"/portal/cases/{case.number}/reply/",
        {"text": "See attached", "key": new_submission_key("reply"), "files": [page]},
    )
    assert response.status_code == 400
    with translation.override(customer.preferred_language):
        refusal = gettext("%(name)s is a file of type %(type)s, which is not accepted here.")
    assert refusal % {"name": "invoice.html", "type": "text/html"} in response.content.decode()
    assert case.messages.count() == 1


def test_a_blocked_file_is_named_but_never_downloadable(sign_in_as, customer, case):
    from loyaldesk.desk.attachments import keep_received_file

    blocked = keep_received_file(case.messages.get(), "run.exe", "", b"MZ\x90\x00 program")
    assert blocked.blocked
    http = sign_in_as(customer)
    assert "run.exe" in http.get(f"/portal/cases/{case.number}/").content.decode()
    assert http.get(f"/portal/cases/{case.number}/files/{blocked.pk}/").status_code == 404


def test_downloads_are_never_rendered_by_the_browser(sign_in_as, customer, case):
    from loyaldesk.desk.attachments import keep_received_file

    kept = keep_received_file(case.messages.get(), "note.txt", "text/plain", b"hello")
    response = sign_in_as(customer).get(f"/portal/cases/{case.number}/files/{kept.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
