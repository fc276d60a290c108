"""Files on replies and notes: uploaded within bounds, stored with a checksum, sent, downloaded."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from loyaldesk.desk.attachments import AttachmentRefused, forget_stale_uploads, store_upload
from loyaldesk.desk.models import Attachment, Message
from loyaldesk.desk.services import reply_to_customer

RECEIPT = b"%PDF-1.4 receipt for the vacuum cleaner"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="ricevuta.pdf", content=RECEIPT):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_reply_with_files_from_the_case_page(client, agent, front_team, case, media):
    client.force_login(agent)
    url = reverse("desk:case-reply", args=[case.number])
    photo = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    response = client.post(
        url, {"text": "Ecco la ricevuta", "then": "open", "files": [pdf(), photo]}
    )
    assert response.status_code == 303
    reply = case.messages.get(text="Ecco la ricevuta")
    stored = {a.filename: a for a in reply.attachments.all()}
    assert set(stored) == {"ricevuta.pdf", "foto.jpg"}
    receipt = stored["ricevuta.pdf"]
    assert receipt.sha256 == hashlib.sha256(RECEIPT).hexdigest()
    assert receipt.size == len(RECEIPT)
    assert receipt.uploaded_by == agent
    assert Path(receipt.file.path).read_bytes() == RECEIPT
    assert Path(receipt.file.path).is_relative_to(media / "attachments")
    event = case.events.get(kind="message.added", after__message=reply.pk)
    assert sorted(event.after["attachments"]) == sorted(a.pk for a in stored.values())


def test_download_is_an_attachment_for_those_who_see_the_case(
    client, agent, front_team, case, repairs_queue, django_user_model
):
    reply_to_customer(
        case, agent=agent, text="x", attachments=[store_upload(pdf(), uploaded_by=agent)]
    )
    attachment = Attachment.objects.get()
    url = reverse("desk:attachment-download", args=[case.number, attachment.pk])
    client.force_login(agent)
    body = client.get(url)
    assert body.status_code == 200
    assert b"".join(body.streaming_content) == RECEIPT
    assert body["Content-Disposition"].startswith("attachment;")
    assert 'filename="ricevuta.pdf"' in body["Content-Disposition"]
    assert body["X-Content-Type-Options"] == "nosniff"
    client.force_login(django_user_model.objects.get(username="agent2"))
    assert client.get(url).status_code == 404


def test_case_page_links_each_file(client, agent, front_team, case):
    reply_to_customer(
        case, agent=agent, text="x", attachments=[store_upload(pdf(), uploaded_by=agent)]
    )
    client.force_login(agent)
    body = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    attachment = Attachment.objects.get()
    assert reverse("desk:attachment-download", args=[case.number, attachment.pk]) in body


def test_too_big_or_too_many_files_are_refused_and_nothing_is_sent(
    client, agent, front_team, case, settings
):
    client.force_login(agent)
    url = reverse("desk:case-reply", args=[case.number])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = client.post(url, {"text": "big", "files": [pdf(content=b"x" * 1001)]})
    assert big.status_code == 400
    assert "larger than" in big.content.decode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400
    many = client.post(url, {"text": "many", "files": [pdf(f"{n}.pdf") for n in range(11)]})
    assert many.status_code == 400
    assert not Message.objects.filter(text__in=["big", "many"]).exists()
    assert not Attachment.objects.exists()


def test_file_names_never_reach_the_disk(agent, media):
    attachment = store_upload(pdf("../../etc/pass\x00wd\u202e.pdf"), uploaded_by=agent)
    assert attachment.filename == "passwd.pdf"
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media / "attachments")
    assert stored.name == hashlib.sha256(RECEIPT).hexdigest()


def test_a_note_takes_files_too(client, agent, front_team, case):
    client.force_login(agent)
    url = reverse("desk:case-note", args=[case.number])
    assert client.post(url, {"text": "Scontrino", "files": [pdf()]}).status_code == 303
    note = case.messages.get(text="Scontrino")
    assert note.attachments.get().filename == "ricevuta.pdf"


def test_someone_elses_upload_cannot_be_attached(agent, lead, case):
    upload = store_upload(pdf(), uploaded_by=lead)
    with pytest.raises(AttachmentRefused):
        reply_to_customer(case, agent=agent, text="mine?", attachments=[upload])
    assert not case.messages.filter(text="mine?").exists()


def test_uploads_nobody_claimed_are_forgotten_after_a_day(agent, case):
    stale = store_upload(pdf(content=b"%PDF-1.4 a draft"), uploaded_by=agent)
    path = Path(stale.file.path)
    used = store_upload(pdf("used.pdf"), uploaded_by=agent)
    reply_to_customer(case, agent=agent, text="x", attachments=[used])
    assert forget_stale_uploads(now=timezone.now() + timedelta(hours=1)) == 0
    assert forget_stale_uploads(now=timezone.now() + timedelta(hours=25)) == 1
    assert not path.exists()
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["used.pdf"]


def test_api_upload_then_reply_then_download(api_as, agent, lead, front_team, case):
    client = api_as(agent)
    uploaded = client.post("/api/uploads", {"file": pdf()})
    assert uploaded.status_code == 201
    upload_id = uploaded.json()["id"]
    assert uploaded.json()["sha256"] == hashlib.sha256(RECEIPT).hexdigest()
    replied = client.post(
        f"/api/cases/{case.number}/replies",
        {"text": "In allegato", "attachment_ids": [upload_id]},
        content_type="application/json",
    )
    assert replied.status_code == 201
    assert [a["filename"] for a in replied.json()["attachments"]] == ["ricevuta.pdf"]
    again = client.post(
        f"/api/cases/{case.number}/notes",
        {"text": "twice", "attachment_ids": [upload_id]},
        content_type="application/json",
    )
    assert again.status_code == 404
    download = client.get(f"/api/attachments/{upload_id}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == RECEIPT
    thread = client.get(f"/api/cases/{case.number}/messages").json()
    assert thread[-1]["attachments"][0]["id"] == upload_id


def test_api_refuses_others_uploads_and_big_files(api_as, agent, lead, front_team, case, settings):
    foreign = store_upload(pdf(), uploaded_by=lead)
    client = api_as(agent)
    note = client.post(
        f"/api/cases/{case.number}/notes",
        {"text": "x", "attachment_ids": [foreign.pk]},
        content_type="application/json",
    )
    assert note.status_code == 404
    assert client.get(f"/api/attachments/{foreign.pk}").status_code == 403
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    big = client.post("/api/uploads", {"file": pdf()})
    assert big.status_code == 422
    assert "larger than" in big.json()["detail"]
