"""Storing attachments: bounded uploads, kept with their checksum, claimed by one message."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.desk.models import Attachment, Message

MAX_ATTACHMENTS_PER_MESSAGE = 10
STAGED_FOR = timedelta(hours=24)
GENERIC_TYPE = "application/octet-stream"


class AttachmentRefused(ValueError):
    """The file is too big, too many files were sent, or an upload is not the sender's."""


def max_attachment_bytes() -> int:
    """The largest file accepted, from LOYALDESK_MAX_UPLOAD_BYTES."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def display_name(filename: str) -> str:
    """The name shown for a file: no directories, no control characters, at most 255 chars."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[-255:] or "attachment"


def _content_type(upload: UploadedFile) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    return declared[:127] if declared.count("/") == 1 else GENERIC_TYPE


def _checksum(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def store_upload(upload: UploadedFile, *, uploaded_by: User) -> Attachment:
    """Keep an uploaded file as a staged attachment until a reply or note claims it."""
    if upload.size > max_attachment_bytes():
        raise AttachmentRefused(
            f"{display_name(upload.name)} is larger than {max_attachment_bytes()} bytes"
        )
    attachment = Attachment(
        uploaded_by=uploaded_by,
        filename=display_name(upload.name or ""),
        content_type=_content_type(upload),
        size=upload.size,
        sha256=_checksum(upload),
    )
    attachment.file.save(attachment.filename, upload, save=False)
    attachment.save()
    return attachment


def keep_received_file(
    message: Message, filename: str | None, content_type: str, content: bytes
) -> Attachment:
    """Keep a file that came with a customer's message (an email's attachment)."""
    declared = content_type.split(";")[0].strip().lower()
    attachment = Attachment(
        message=message,
        filename=display_name(filename or ""),
        content_type=declared[:127] if declared.count("/") == 1 else GENERIC_TYPE,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(attachment.filename, ContentFile(content), save=False)
    attachment.save()
    return attachment


def check_claimable(attachments: Sequence[Attachment], sender: User) -> None:
    """Refuse before anything changes: too many files, or uploads that are not the sender's."""
    if len(attachments) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise AttachmentRefused(f"at most {MAX_ATTACHMENTS_PER_MESSAGE} files per message")
    for attachment in attachments:
        if attachment.message_id is not None or attachment.uploaded_by_id != sender.pk:
            raise AttachmentRefused(f"upload {attachment.pk} is not one of yours to attach")


def claim(attachments: Sequence[Attachment], message: Message) -> None:
    """Attach staged uploads to the message being written (inside its transaction)."""
    ids = [attachment.pk for attachment in attachments]
    claimed = Attachment.objects.filter(pk__in=ids, message__isnull=True).update(message=message)
    if claimed != len(ids):
        raise AttachmentRefused("an upload was attached to another message meanwhile")


def forget_stale_uploads(now=None) -> int:
    """Delete uploads no message claimed within a day, files included."""
    stale = Attachment.objects.filter(
        message__isnull=True, created_at__lt=(now or timezone.now()) - STAGED_FOR
    )
    count = 0
    for attachment in stale:
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count
