"""The attachment policy: types read from the bytes, an allowed list, files stored once by
their SHA-256, blocked received files, and downloads only for those who may see the case."""

import hashlib
import io
import threading
import zipfile
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from loyaldesk.channels.receiving import keep_email, read_email
from loyaldesk.config import ConfigurationError
from loyaldesk.desk.attachments import (
    AttachmentRefused,
    forget_stale_uploads,
    keep_received_file,
    store_upload,
)
from loyaldesk.desk.filetypes import parse_type_patterns, sniff
from loyaldesk.desk.models import Attachment, Message
from loyaldesk.desk.services import add_internal_note, reply_to_customer

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name, content, declared="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=declared)


def stored_files(media):
    return sorted(path for path in (media / "attachments").rglob("*") if path.is_file())


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "declared", "expected"),
    [
        ("ricevuta.jpg", PDF, "image/jpeg", "application/pdf"),
        ("note.txt", HTML, "text/plain", "text/html"),
        ("fragment.txt", b"  <p onclick='x()'>hi</p>", "text/plain", "text/html"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png", "image/svg+xml"),
        ("fattura.pdf", EXE, "application/pdf", "application/vnd.microsoft.portable-executable"),
        ("foto", PNG, "", "image/png"),
        ("fax.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20, "", "image/tiff"),
        ("ordini.csv", b"id;prodotto\n1;aspirapolvere\n", "text/plain", "text/csv"),
        ("lettre.txt", "Bonjour, voilà ma réclamation".encode("latin-1"), "", "text/plain"),
        ("invito.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "", "text/calendar"),
        (
            "invite",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
            "application/octet-stream",
            "text/calendar",
        ),
        ("inoltro.eml", b"Subject: x\r\nFrom: a@example.it\r\n\r\nciao", "", "message/rfc822"),
        ("forwarded", b"Received: from mx\r\nFrom: a@example.it\r\n\r\nciao", "", "message/rfc822"),
        ("readme", b"plain words", "text/csv", "text/csv"),
        ("empty.txt", b"", "", "text/plain"),
        ("random.bin", bytes(range(256)) * 4, "", "application/octet-stream"),
    ],
)
def test_the_type_is_read_from_the_bytes(name, content, declared, expected):
    assert sniff(io.BytesIO(content), name, declared) == expected


@pytest.mark.parametrize(
    ("name", "entries", "expected"),
    [
        (
            "contratto.zip",
            {"[Content_Types].xml": "x", "word/document.xml": "x"},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "x.docx",
            {"[Content_Types].xml": "x", "xl/workbook.xml": "x"},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "lettera.odt",
            {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "x"},
            "application/vnd.oasis.opendocument.text",
        ),
        ("foto.docx", {"IMG_001.jpg": "x"}, "application/zip"),
    ],
)
def test_office_documents_are_told_by_what_their_zip_holds(name, entries, expected):
    assert sniff(io.BytesIO(zipped(entries)), name) == expected


def test_old_office_formats_share_a_container_the_name_tells_apart():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert sniff(io.BytesIO(ole), "listino.xls") == "application/vnd.ms-excel"
    assert sniff(io.BytesIO(ole), "mail.msg") == "application/vnd.ms-outlook"
    assert sniff(io.BytesIO(ole), "macro.exe") == "application/x-ole-storage"


def test_a_pdf_named_jpg_is_kept_as_the_pdf_it_is(agent):
    attachment = store_upload(upload("foto.jpg", PDF, "image/jpeg"), uploaded_by=agent)
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "foto.jpg"


def test_uploads_outside_the_policy_are_refused_with_the_reason(agent, media):
    with pytest.raises(AttachmentRefused, match=r"note\.txt is a file of type text/html"):
        store_upload(upload("note.txt", HTML, "text/plain"), uploaded_by=agent)
    with pytest.raises(AttachmentRefused, match="portable-executable"):
        store_upload(upload("fattura.pdf", EXE, "application/pdf"), uploaded_by=agent)
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists()


def test_the_case_page_refuses_a_disguised_file_and_sends_nothing(client, agent, front_team, case):
    client.force_login(agent)
    url = reverse("desk:case-reply", args=[case.number])
    response = client.post(
        url, {"text": "Ecco", "then": "open", "files": [upload("ricevuta.txt", HTML)]}
    )
    assert response.status_code == 400
    assert "ricevuta.txt is a file of type text/html, which is not accepted here." in (
        response.content.decode()
    )
    assert not case.messages.filter(text="Ecco").exists()
    assert not Attachment.objects.exists()


def test_the_api_refuses_a_disguised_upload(api_as, agent):
    response = api_as(agent).post("/api/uploads", {"file": upload("scontrino.pdf", EXE)})
    assert response.status_code == 422
    assert "not accepted" in response.json()["detail"]


def test_the_allowed_types_are_configurable(agent, settings):
    settings.ATTACHMENT_TYPES = parse_type_patterns(["image/*", "application/pdf"])
    assert store_upload(upload("a.png", PNG), uploaded_by=agent).content_type == "image/png"
    with pytest.raises(AttachmentRefused, match="text/csv"):
        store_upload(upload("a.csv", b"a;b\n1;2\n"), uploaded_by=agent)
    settings.ATTACHMENT_TYPES = parse_type_patterns(["text/csv"])
    with pytest.raises(AttachmentRefused, match="application/pdf"):
        store_upload(upload("a.pdf", PDF), uploaded_by=agent)


def test_a_wrong_allowed_type_is_a_clear_configuration_error():
    assert parse_type_patterns([" Image/PNG ", "", "text/*"]) == ["image/png", "text/*"]
    for wrong in ["pdf", "image/", "*/*", "image/p*"]:
        with pytest.raises(ConfigurationError, match="LOYALDESK_ATTACHMENT_TYPES"):
            parse_type_patterns([wrong])


def test_the_same_bytes_are_stored_once(agent, lead, case, media):
    first = store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    second = store_upload(upload("copia.pdf", PDF), uploaded_by=lead)
    received = keep_received_file(case.messages.get(), "scan.pdf", "application/pdf", PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    assert {first.file.name, second.file.name, received.file.name} == {
        f"attachments/sha256/{digest[:2]}/{digest}"
    }
    assert stored_files(media) == [media / first.file.name]
    assert Path(received.file.path).read_bytes() == PDF
    assert [a.filename for a in Attachment.objects.order_by("pk")] == [
        "ricevuta.pdf",
        "copia.pdf",
        "scan.pdf",
    ]


def test_a_shared_file_is_deleted_only_with_its_last_attachment(agent, front_team, case, media):
    kept = store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    reply_to_customer(case, agent=agent, text="In allegato", attachments=[kept])
    stale = store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    alone = store_upload(upload("bozza.pdf", PDF + b"draft"), uploaded_by=agent)
    assert forget_stale_uploads(now=timezone.now() + timedelta(hours=25)) == 2
    assert not Attachment.objects.filter(pk__in=[stale.pk, alone.pk]).exists()
    assert stored_files(media) == [media / kept.file.name]
    assert Path(kept.file.path).read_bytes() == PDF


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database fails on a lock instead of waiting; a"
    " database file serializes the two writers with BEGIN IMMEDIATE",
)
@pytest.mark.django_db(transaction=True)
def test_forgetting_waits_for_an_upload_of_the_same_bytes_under_way(agent, media):
    """Without the lock, the forget would not see the upload's uncommitted row and would
    delete the file that row names."""
    stale = store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    Attachment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    forgotten = []

    def forget():
        try:
            forgotten.append(forget_stale_uploads())
        finally:
            connection.close()

    worker = threading.Thread(target=forget)
    with transaction.atomic():
        fresh = store_upload(upload("copia.pdf", PDF), uploaded_by=agent)
        worker.start()
        worker.join(timeout=1)
        assert worker.is_alive()  # waiting for this transaction
    worker.join(timeout=30)
    assert forgotten == [1]
    assert list(Attachment.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert Path(fresh.file.path).read_bytes() == PDF


def test_a_file_forgotten_then_uploaded_again_is_stored_again(agent, media):
    store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    forget_stale_uploads(now=timezone.now() + timedelta(hours=25))
    assert stored_files(media) == []
    again = store_upload(upload("ricevuta.pdf", PDF), uploaded_by=agent)
    assert Path(again.file.path).read_bytes() == PDF


def received_email(*files):
    email = EmailMessage()
    email["From"] = "Chiara Rossi <chiara.rossi@example.it>"
    email["To"] = "assistenza@example.com"
    email["Subject"] = "Documenti per la garanzia"
    email["Message-ID"] = "<docs-1@example.it>"
    email.set_content("Buongiorno, allego i documenti.")
    for name, content, declared in files:
        maintype, subtype = declared.split("/")
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return email.as_bytes()


def test_a_received_file_of_a_type_not_allowed_is_kept_blocked(
    client, agent, front_team, queue, media
):
    raw = received_email(
        ("ricevuta.pdf", PDF, "application/pdf"),
        ("istruzioni.txt", HTML, "text/plain"),
        ("fattura.pdf", EXE, "application/pdf"),
    )
    received = read_email(keep_email(raw))
    message = Message.objects.get(pk=received.message_id)
    files = {a.filename: a for a in message.attachments.all()}
    assert files["ricevuta.pdf"].blocked == ""
    assert files["istruzioni.txt"].content_type == "text/html"
    assert files["istruzioni.txt"].blocked == "type text/html not allowed"
    assert files["fattura.pdf"].blocked.startswith("type application/vnd.microsoft")
    assert Path(files["fattura.pdf"].file.path).read_bytes() == EXE  # nothing is lost
    with received.raw.open("rb") as kept:
        assert kept.read() == raw

    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[message.case.number])).content.decode()
    assert "blocked: files of type text/html are not allowed" in page
    blocked_url = reverse(
        "desk:attachment-download", args=[message.case.number, files["istruzioni.txt"].pk]
    )
    assert blocked_url not in page
    assert client.get(blocked_url).status_code == 403
    allowed_url = reverse(
        "desk:attachment-download", args=[message.case.number, files["ricevuta.pdf"].pk]
    )
    assert allowed_url in page
    assert client.get(allowed_url).status_code == 200


def test_the_api_never_serves_a_blocked_file(api_as, agent, front_team, case):
    blocked = keep_received_file(case.messages.get(), "a.txt", "text/plain", HTML)
    client = api_as(agent)
    thread = client.get(f"/api/cases/{case.number}/messages").json()
    assert thread[0]["attachments"][0]["blocked"] == "type text/html not allowed"
    assert client.get(f"/api/attachments/{blocked.pk}").status_code == 403


def test_download_only_for_those_who_may_see_the_case(
    client, agent, front_team, case, repairs_queue, django_user_model
):
    note = add_internal_note(
        case,
        agent=agent,
        text="scan",
        attachments=[store_upload(upload("s.pdf", PDF), uploaded_by=agent)],
    )
    url = reverse("desk:attachment-download", args=[case.number, note.attachments.get().pk])
    client.force_login(django_user_model.objects.get(username="agent2"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="s.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_active_content_an_admin_allowed_is_served_as_opaque_bytes(
    client, agent, front_team, case, settings
):
    settings.ATTACHMENT_TYPES = parse_type_patterns(["text/html", "image/svg+xml"])
    page = keep_received_file(case.messages.get(), "offerta.html", "text/html", HTML)
    assert page.blocked == ""
    client.force_login(agent)
    response = client.get(reverse("desk:attachment-download", args=[case.number, page.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_files_stored_before_hashing_stay_downloadable(client, agent, front_team, case):
    old_name = default_storage.save("attachments/2025/03/1f2e3d4c5b6a.pdf", ContentFile(PDF))
    old = Attachment.objects.create(
        message=case.messages.get(),
        file=old_name,
        filename="garanzia.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    client.force_login(agent)
    response = client.get(reverse("desk:attachment-download", args=[case.number, old.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
