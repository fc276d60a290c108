"""Storing attachments: bounded and typed uploads, kept once by their SHA-256, claimed by one
message, downloaded only by those who may see its case.

The policy: a file's type is read from its bytes (desk.filetypes), never taken from its name or
from what the sender declared, and must be on LOYALDESK_ATTACHMENT_TYPES; its size within
LOYALDESK_MAX_UPLOAD_BYTES. An upload outside it is refused. A file that came in an email is
kept whatever it is (the email's raw bytes are kept too), but one of a type not allowed is
marked blocked: the thread names it and nobody can download it.

Files are stored under a name derived from their SHA-256, so the same bytes are stored once
and several attachments may share a file; a file is deleted only with the last attachment
that uses it. Files stored before this scheme keep their random names and stay downloadable.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from loyaldesk.accounts.models import User
from loyaldesk.desk.filetypes import GENERIC_TYPE, is_allowed, served_type, sniff
from loyaldesk.desk.models import Attachment, Message, attachment_path

MAX_ATTACHMENTS_PER_MESSAGE = 10
STAGED_FOR = timedelta(hours=24)


class AttachmentRefused(ValueError):
    """The file is too big or of a type not allowed, too many files were sent, or an upload
    is not the sender's."""


def max_attachment_bytes() -> int:
    """The largest file accepted, from LOYALDESK_MAX_UPLOAD_BYTES."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def allowed_types() -> list[str]:
    """The content types accepted, from LOYALDESK_ATTACHMENT_TYPES (`image/*` allowed)."""
    return settings.ATTACHMENT_TYPES


def display_name(filename: str) -> str:
    """The name shown for a file: no directories, no control characters, at most 255 chars."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[-255:] or "attachment"


def _declared(content_type: str | None) -> str:
    declared = (content_type or "").split(";")[0].strip().lower()
    return declared[:127] if declared.count("/") == 1 else GENERIC_TYPE


def check_upload(upload: UploadedFile) -> str:
    """Refuse a file outside the policy, with a reason the sender can act on; return its
    content type as read from its bytes."""
    name = display_name(upload.name or "")
    if upload.size > max_attachment_bytes():
        raise AttachmentRefused(
            _("%(name)s is larger than %(size)s.")
            % {"name": name, "size": filesizeformat(max_attachment_bytes())}
        )
    content_type = sniff(upload, name, _declared(upload.content_type))
    if not is_allowed(content_type, allowed_types()):
        raise AttachmentRefused(
            _("%(name)s is a file of type %(type)s, which is not accepted here.")
            % {"name": name, "type": content_type}
        )
    return content_type


def _checksum(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _keep(attachment: Attachment, content: File) -> Attachment:
    """Save the attachment with its bytes stored once under their hash (inside a transaction).

    The rows sharing the hash are locked first: a concurrent forget_stale_uploads deleting
    the last of them either finishes first (and the file is written again here) or waits and
    then sees this row (and leaves the file)."""
    list(Attachment.objects.select_for_update().filter(sha256=attachment.sha256).values("pk"))
    name = attachment_path(attachment, attachment.filename)
    storage = attachment.file.storage
    if not storage.exists(name):
        content.seek(0)
        stored = storage.save(name, content)
        if stored != name:  # another worker stored the same bytes meanwhile: theirs will do
            storage.delete(stored)
    attachment.file.name = name
    attachment.save()
    return attachment


@transaction.atomic
def store_upload(upload: UploadedFile, *, uploaded_by: User) -> Attachment:
    """Keep an uploaded file as a staged attachment until a reply or note claims it;
    AttachmentRefused if it is outside the policy."""
    content_type = check_upload(upload)
    attachment = Attachment(
        uploaded_by=uploaded_by,
        filename=display_name(upload.name or ""),
        content_type=content_type,
        size=upload.size,
        sha256=_checksum(upload),
    )
    return _keep(attachment, upload)


@transaction.atomic
def keep_received_file(
    message: Message, filename: str | None, content_type: str, content: bytes
) -> Attachment:
    """Keep a file that came with a customer's message (an email's attachment), whatever
    it is; one of a type not allowed is kept blocked, never offered for download."""
    name = display_name(filename or "")
    sniffed = sniff(io.BytesIO(content), name, _declared(content_type))
    allowed = is_allowed(sniffed, allowed_types())
    attachment = Attachment(
        message=message,
        filename=name,
        content_type=sniffed,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        blocked="" if allowed else f"type {sniffed} not allowed",
    )
    return _keep(attachment, ContentFile(content))


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


def forget_stale_uploads(now: datetime | None = None) -> int:
    """Delete uploads no message claimed within a day, and their files unless another
    attachment shares them."""
    stale = Attachment.objects.filter(
        message__isnull=True, created_at__lt=(now or timezone.now()) - STAGED_FOR
    )
    return sum(_forget(pk) for pk in stale.values_list("pk", flat=True))


@transaction.atomic
def _forget(pk: int) -> bool:
    attachment = Attachment.objects.select_for_update().filter(pk=pk, message__isnull=True).first()
    if attachment is None:  # claimed or forgotten meanwhile
        return False
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    if not Attachment.objects.filter(file=name).exists():
        storage.delete(name)
    return True


def file_response(attachment: Attachment) -> FileResponse:
    """The file as a download that no browser renders in the desk's origin: attachment
    disposition, active content (HTML, SVG, XML) as opaque bytes, nosniff, a sandbox."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=served_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
