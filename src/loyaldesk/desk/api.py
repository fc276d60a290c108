"""REST endpoints for cases, their messages and events, and queues: thin over the services."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Path, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from loyaldesk.accounts.models import User
from loyaldesk.core.pagination import keyset_page
from loyaldesk.core.schemas import MAX_ID, Id, text
from loyaldesk.customers.models import ChannelChoice, Customer
from loyaldesk.desk import services
from loyaldesk.desk.attachments import MAX_ATTACHMENTS_PER_MESSAGE, file_response, store_upload
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import AfterReply, Attachment, Case, CaseStatus, Message, Priority
from loyaldesk.desk.permissions import can_assign, can_work, ensure, visible_cases, visible_queues
from loyaldesk.desk.selectors import (
    SORTS,
    CaseFilter,
    CaseView,
    case_history,
    case_list,
    case_thread,
    macros_for_case,
    usable_macros,
)

router = Router(tags=["cases"])
MAX_PAGE = 200
CaseNumber = Path(..., ge=1, le=MAX_ID)


class CaseOut(Schema):
    number: int
    reference: str
    subject: str
    status: CaseStatus
    priority: Priority
    category: str
    origin_channel: ChannelChoice
    language: str
    customer_id: int
    queue_id: int
    assignee_id: int | None
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    reopen_count: int


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseQuery(Schema):
    view: CaseView = CaseView.ALL
    status: CaseStatus | None = None
    priority: Priority | None = None
    queue: Id | None = None
    assignee: str = Field(
        "", pattern=r"^(|me|none|[0-9]{1,18})$", description="'me', 'none' or a user id"
    )
    channel: ChannelChoice | None = None
    language: text(max_length=8) = ""
    category: text(max_length=60) = ""
    customer: Id | None = None
    q: text(max_length=200) = ""
    sort: Literal[tuple(SORTS)] = "-updated_at"
    cursor: text(max_length=400) | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)

    def to_filter(self) -> CaseFilter:
        return CaseFilter(
            view=self.view,
            status=self.status or "",
            priority=self.priority or "",
            queue=self.queue,
            assignee=self.assignee,
            channel=self.channel or "",
            language=self.language,
            category=self.category,
            customer=self.customer,
            search=self.q,
            sort=self.sort,
        )


class CaseIn(Schema):
    customer_id: Id
    subject: text(1, 255)
    text: text(1, 50_000)
    channel: ChannelChoice
    queue_id: Id | None = None
    priority: Priority = Priority.NORMAL
    category: text(max_length=60) = ""


class CasePatch(Schema):
    subject: text(1, 255) | None = None
    priority: Priority | None = None
    category: text(max_length=60) | None = None
    queue_id: Id | None = None


class StatusIn(Schema):
    status: CaseStatus


class AssigneeIn(Schema):
    assignee_id: Id | None


AttachmentIds = list[Id]


class ReplyIn(Schema):
    text: text(1, 50_000)
    then: Literal["pending_customer", "open", "resolved"] = "pending_customer"
    attachment_ids: AttachmentIds = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS_PER_MESSAGE,
        description="Uploads from POST /uploads to send with the reply.",
    )


class NoteIn(Schema):
    text: text(1, 50_000)
    attachment_ids: AttachmentIds = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS_PER_MESSAGE
    )


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    blocked: str = Field(
        "", description="Why the file cannot be downloaded (a type not allowed); empty if it can."
    )
    message_id: int | None


class MessageOut(Schema):
    id: int
    kind: str
    channel: str
    author_user_id: int | None
    author_customer_id: int | None
    sender_address: str
    text: str
    html: str
    language: str
    external_id: str
    created_at: datetime
    delivery_state: str | None
    delivery_error: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(message: Message) -> list:
        prefetched = getattr(message, "attachment_list", None)  # set by case_thread
        return prefetched if prefetched is not None else list(message.attachments.all())

    @staticmethod
    def resolve_delivery_state(message: Message) -> str | None:
        delivery = getattr(message, "delivery", None)
        return delivery.state if delivery else None

    @staticmethod
    def resolve_delivery_error(message: Message) -> str:
        delivery = getattr(message, "delivery", None)
        return delivery.last_error if delivery else ""


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor_id: int | None
    actor_kind: str
    before: dict
    after: dict


class QueueOut(Schema):
    id: int
    name: str
    slug: str
    team_id: int | None
    is_default: bool


def _case(request: HttpRequest, number: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("queue"), number=number)


def _workable(request: HttpRequest, number: int) -> Case:
    case = _case(request, number)
    ensure(can_work(request.user, case))
    return case


@router.get("/cases", response=CasePage)
def list_cases(request: HttpRequest, query: Query[CaseQuery]):
    """The cases the token's user may see, filtered, a page at a time (follow `next_cursor`)."""
    ensure(request.user.has_perm("desk.view_case"))
    cases = case_list(request.user, query.to_filter())
    page = keyset_page(cases, SORTS[query.sort], query.limit, query.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/cases", response={201: CaseOut})
def create_case(request: HttpRequest, payload: CaseIn):
    """Open a case for an existing customer, logged by the token's user."""
    ensure(request.user.has_perm("desk.add_case"))
    customer = get_object_or_404(Customer, pk=payload.customer_id, merged_into__isnull=True)
    queue = None
    if payload.queue_id is not None:
        queue = get_object_or_404(visible_queues(request.user), pk=payload.queue_id)
    case = services.open_case(
        customer=customer,
        subject=payload.subject,
        text=payload.text,
        channel=payload.channel,
        queue=queue,
        priority=payload.priority,
        category=payload.category,
        logged_by=request.user,
    )
    return Answer(201, case)


@router.get("/cases/{number}", response=CaseOut)
def read_case(request: HttpRequest, number: int = CaseNumber):
    """One case."""
    return _case(request, number)


@router.patch("/cases/{number}", response=CaseOut)
def update_case(request: HttpRequest, payload: CasePatch, number: int = CaseNumber):
    """Change subject, priority, category or queue."""
    case = _workable(request, number)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    if "queue_id" in changes:
        changes["queue"] = get_object_or_404(
            visible_queues(request.user), pk=changes.pop("queue_id")
        )
    return services.change_case_details(case, actor=request.user, **changes)


@router.post("/cases/{number}/status", response=CaseOut)
def move_case(request: HttpRequest, payload: StatusIn, number: int = CaseNumber):
    """Move the case to another status, as the lifecycle allows (409 otherwise)."""
    case = _workable(request, number)
    return services.change_status(case, Status(payload.status), actor=request.user)


@router.put("/cases/{number}/assignee", response=CaseOut)
def assign(request: HttpRequest, payload: AssigneeIn, number: int = CaseNumber):
    """Give the case to a user, or back to the queue with null."""
    case = _workable(request, number)
    assignee = None
    if payload.assignee_id is not None:
        assignee = get_object_or_404(User, pk=payload.assignee_id, is_active=True)
    ensure(can_assign(request.user, case, assignee))
    return services.assign_case(case, assignee, actor=request.user)


@router.get("/cases/{number}/messages", response=list[MessageOut])
def list_messages(request: HttpRequest, number: int = CaseNumber):
    """The case's thread in time order, internal notes included."""
    return list(case_thread(_case(request, number)))


@router.post("/cases/{number}/replies", response={201: MessageOut})
def reply(request: HttpRequest, payload: ReplyIn, number: int = CaseNumber):
    """Reply to the customer by email (through the outbox)."""
    case = _workable(request, number)
    message = services.reply_to_customer(
        case,
        agent=request.user,
        text=payload.text,
        then=Status(payload.then),
        attachments=_uploads(request, payload.attachment_ids),
    )
    return Answer(201, message)


@router.post("/cases/{number}/notes", response={201: MessageOut})
def note(request: HttpRequest, payload: NoteIn, number: int = CaseNumber):
    """Add an internal note."""
    case = _workable(request, number)
    note = services.add_internal_note(
        case,
        agent=request.user,
        text=payload.text,
        attachments=_uploads(request, payload.attachment_ids),
    )
    return Answer(201, note)


def _uploads(request: HttpRequest, ids: list[int]) -> list[Attachment]:
    """The token user's own unclaimed uploads, in the order given; 404 for any other id."""
    found = Attachment.objects.in_bulk(set(ids))
    mine = {
        pk: attachment
        for pk, attachment in found.items()
        if attachment.uploaded_by_id == request.user.pk and attachment.message_id is None
    }
    missing = [pk for pk in ids if pk not in mine]
    if missing:
        raise Http404(f"no upload of yours with id {missing[0]}")
    return [mine[pk] for pk in dict.fromkeys(ids)]


@router.post("/uploads", response={201: AttachmentOut}, tags=["attachments"])
def upload(request: HttpRequest, file: File[UploadedFile]):
    """Upload a file to attach to a reply or note within 24 hours (multipart, field `file`)."""
    ensure(request.user.has_perm("desk.add_attachment"))
    return Answer(201, store_upload(file, uploaded_by=request.user))


@router.get("/attachments/{attachment_id}", tags=["attachments"])
def download(request: HttpRequest, attachment_id: int = Path(..., ge=1, le=MAX_ID)):
    """The file of an attachment on a case you can see, or of your own upload; never one
    that is blocked (a received file of a type not allowed)."""
    attachment = get_object_or_404(Attachment, pk=attachment_id)
    if attachment.message_id is None:
        ensure(attachment.uploaded_by_id == request.user.pk)
    else:
        _case(request, attachment.message.case.number)
    ensure(not attachment.blocked)
    return file_response(attachment)


class MergeIn(Schema):
    into: Id = Field(..., description="The number of the case that keeps the messages.")


class LinkIn(Schema):
    case: Id = Field(..., description="The number of the related case.")


class SplitIn(Schema):
    subject: text(max_length=255) = ""


def _other_workable(request: HttpRequest, number: int) -> Case:
    other = visible_cases(request.user).filter(number=number).first()
    if other is None:
        raise Http404(f"no case {number} you can see")
    ensure(can_work(request.user, other))
    return other


@router.post("/cases/{number}/merge", response=CaseOut)
def merge(request: HttpRequest, payload: MergeIn, number: int = CaseNumber):
    """Merge this duplicate into another case; answers with the case that kept the messages."""
    case = _workable(request, number)
    return services.merge_cases(case, _other_workable(request, payload.into), actor=request.user)


@router.post("/cases/{number}/links", response={204: None})
def link(request: HttpRequest, payload: LinkIn, number: int = CaseNumber):
    """Mark another case as related to this one."""
    case = _workable(request, number)
    other = _other_workable(request, payload.case)
    if other.pk == case.pk:
        raise services.CannotMergeCases("a case cannot be linked to itself")
    services.link_cases(case, other, actor=request.user)
    return Answer(204, None)


@router.delete("/cases/{number}/links/{other}", response={204: None})
def unlink(request: HttpRequest, number: int = CaseNumber, other: int = CaseNumber):
    """Remove the link between two cases."""
    case = _workable(request, number)
    services.unlink_cases(case, _other_workable(request, other), actor=request.user)
    return Answer(204, None)


@router.post("/cases/{number}/messages/{message_id}/split", response={201: CaseOut})
def split(
    request: HttpRequest,
    payload: SplitIn,
    number: int = CaseNumber,
    message_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Make a new case of one of the customer's messages."""
    case = _workable(request, number)
    message = get_object_or_404(case.messages, pk=message_id)
    return Answer(201, services.split_message(message, actor=request.user, subject=payload.subject))


@router.get("/cases/{number}/events", response=list[EventOut])
def list_events(request: HttpRequest, number: int = CaseNumber):
    """The case's history: every change, who made it and when."""
    return list(case_history(_case(request, number)))


@router.get("/queues", response=list[QueueOut], tags=["queues"])
def list_queues(request: HttpRequest):
    """The queues whose cases the token's user may see."""
    return list(visible_queues(request.user))


MacroId = Path(..., ge=1, le=MAX_ID)


class MacroTextOut(Schema):
    language: str
    text: str


class MacroOut(Schema):
    id: int
    name: str
    description: str
    queue_id: int | None
    team_id: int | None
    then: AfterReply
    priority: Priority | Literal[""]
    category: str
    assign_to_me: bool
    texts: list[MacroTextOut]


class MacroQuery(Schema):
    queue: Id | None = None


class MacroReplyOut(Schema):
    macro_id: int
    text: str
    language: str
    changes: dict
    unknown_placeholders: list[str]


ReplyText = text(1, 50_000)


class MacroReplyIn(Schema):
    text: ReplyText | None = Field(
        None, description="the agent's edit; omit to send the macro's text"
    )
    then: Literal["pending_customer", "open", "resolved"] | None = Field(
        None, description="overrides the macro's status after the reply"
    )


@router.get("/macros", response=list[MacroOut], tags=["macros"])
def list_macros(request: HttpRequest, query: Query[MacroQuery]):
    """Active macros the token's user may use; `queue` narrows them to that queue's."""
    ensure(request.user.has_perm("desk.change_case"))
    queue = None
    if query.queue is not None:
        queue = get_object_or_404(visible_queues(request.user), pk=query.queue)
    return list(usable_macros(request.user, queue))


@router.get("/cases/{number}/macros/{macro_id}", response=MacroReplyOut, tags=["macros"])
def render_macro(request: HttpRequest, number: int = CaseNumber, macro_id: int = MacroId):
    """The macro's reply for this case, in the customer's language, and what sending it changes."""
    case = _workable(request, number)
    macro = get_object_or_404(macros_for_case(case), pk=macro_id)
    reply = services.macro_reply(case, macro, request.user)
    return {
        "macro_id": macro.pk,
        "text": reply.text,
        "language": reply.language,
        "changes": reply.changes,
        "unknown_placeholders": list(reply.unknown),
    }


@router.post("/cases/{number}/macros/{macro_id}/reply", response={201: MessageOut}, tags=["macros"])
def reply_with_macro(
    request: HttpRequest,
    payload: MacroReplyIn,
    number: int = CaseNumber,
    macro_id: int = MacroId,
):
    """Reply with the macro and make its changes, all or nothing (409 if the lifecycle refuses)."""
    case = _workable(request, number)
    macro = get_object_or_404(macros_for_case(case), pk=macro_id)
    message = services.reply_with_macro(
        case,
        agent=request.user,
        macro=macro,
        text=payload.text,
        then=Status(payload.then) if payload.then else None,
    )
    return Answer(201, message)
