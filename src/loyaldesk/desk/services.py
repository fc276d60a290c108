"""Operations that change cases: each runs in one transaction and records its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.channels.services import queue_email
from loyaldesk.core.services import reserve_numbers
from loyaldesk.customers.identities import Channel
from loyaldesk.customers.models import Customer
from loyaldesk.desk.attachments import check_claimable, claim
from loyaldesk.desk.events import new_event, record_event, record_events
from loyaldesk.desk.html import sanitize_html
from loyaldesk.desk.lifecycle import (
    Status,
    apply_move,
    status_on_customer_message,
)
from loyaldesk.desk.mentions import record_mentions
from loyaldesk.desk.models import (
    Attachment,
    Case,
    CaseLink,
    Macro,
    Message,
    MessageKind,
    Priority,
    Queue,
    SavedView,
)
from loyaldesk.desk.permissions import can_work
from loyaldesk.desk.placeholders import render
from loyaldesk.desk.repeat_contacts import link_repeat_contact
from loyaldesk.repairs.models import RepairOrder
from loyaldesk.service_levels.services import apply_policies, measure_cases, track_case

CASE_SEQUENCE = "case"
EDITABLE_DETAILS = frozenset({"subject", "priority", "category", "queue"})


class CaseIsClosed(ValueError):
    """A closed case takes no new messages: a new contact opens a follow-up case."""


class NoDefaultQueue(LookupError):
    """No queue was given and no queue is marked as the default."""


def default_queue() -> Queue:
    """The queue that takes cases nobody routed elsewhere."""
    queue = Queue.objects.filter(is_default=True, is_active=True).first()
    if queue is None:
        raise NoDefaultQueue("mark one active queue as the default queue")
    return queue


def _locked(case: Case) -> Case:
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


def _add_message(
    case: Case,
    *,
    kind: MessageKind,
    channel: str,
    text: str,
    at: datetime,
    html: str = "",
    author_user: User | None = None,
    author_customer: Customer | None = None,
    sender_address: str = "",
    external_id: str = "",
    raw_source: bytes | None = None,
    attachments: Sequence[Attachment] = (),
) -> Message:
    message = Message(
        case=case,
        kind=kind,
        channel=channel,
        text=text,
        html=sanitize_html(html),
        language=case.language,
        author_user=author_user,
        author_customer=author_customer,
        sender_address=sender_address,
        external_id=external_id,
        created_at=at,
    )
    if raw_source is not None:
        message.raw_source.save(
            f"{case.number}-{int(at.timestamp())}.raw", ContentFile(raw_source), save=False
        )
    message.save()
    claim(attachments, message)
    after = {"message": message.pk, "kind": kind, "channel": channel}
    if attachments:
        after["attachments"] = [attachment.pk for attachment in attachments]
    record_event(
        "message.added",
        case=case,
        actor=author_user,
        by_customer=author_customer is not None,
        at=at,
        after=after,
    )
    case.updated_at = max(case.updated_at, at)
    return message


def _move(
    case: Case, target: Status, *, actor: User | None, at: datetime, by_customer: bool = False
) -> None:
    current, event_kind = apply_move(case, target, at)
    case.updated_at = max(case.updated_at, at)
    record_event(
        event_kind,
        case=case,
        actor=actor,
        by_customer=by_customer,
        at=at,
        before={"status": current},
        after={"status": target},
    )


@transaction.atomic
def open_case(
    *,
    customer: Customer,
    subject: str,
    text: str,
    channel: str,
    queue: Queue | None = None,
    priority: str = Priority.NORMAL,
    category: str = "",
    html: str = "",
    sender_address: str = "",
    external_id: str = "",
    raw_source: bytes | None = None,
    logged_by: User | None = None,
    at: datetime | None = None,
) -> Case:
    """Open a case from a customer's first message (logged by an agent for calls and letters)."""
    at = at or timezone.now()
    case = Case.objects.create(
        number=reserve_numbers(CASE_SEQUENCE)[0],
        subject=subject.strip()[:255] or text.strip()[:80],
        status=Status.NEW,
        priority=priority,
        category=category,
        origin_channel=channel,
        language=customer.preferred_language,
        customer=customer,
        queue=queue or default_queue(),
        opened_at=at,
        updated_at=at,
    )
    record_event(
        "case.opened",
        case=case,
        actor=logged_by,
        by_customer=logged_by is None,
        at=at,
        after=_opened_details(case, channel),
    )
    _add_message(
        case,
        kind=MessageKind.INBOUND,
        channel=channel,
        text=text,
        html=html,
        at=at,
        author_customer=customer,
        sender_address=sender_address,
        external_id=external_id,
        raw_source=raw_source,
    )
    case.save()
    link_repeat_contact(case, actor=logged_by, at=at)
    track_case(case, at=at, actor=logged_by, reapply=True)
    return case


def _opened_details(case: Case, channel: str) -> dict[str, Any]:
    return {
        "number": case.number,
        "subject": case.subject,
        "status": case.status,
        "priority": case.priority,
        "category": case.category,
        "queue": case.queue_id,
        "channel": channel,
    }


@dataclass(frozen=True)
class CaseDraft:
    """A customer's first message, for `open_cases`."""

    customer: Customer
    subject: str
    text: str
    channel: str
    queue: Queue
    at: datetime
    html: str = ""
    sender_address: str = ""
    external_id: str = ""
    priority: str = Priority.NORMAL
    category: str = ""


@transaction.atomic
def open_cases(drafts: Sequence[CaseDraft]) -> list[Message]:
    """`open_case` for many first messages read together (email in batches): the same
    cases, messages, events and timers, written in bulk; returns each case's message."""
    if not drafts:
        return []
    numbers = reserve_numbers(CASE_SEQUENCE, len(drafts))
    cases = Case.objects.bulk_create(
        [
            Case(
                number=number,
                subject=draft.subject.strip()[:255] or draft.text.strip()[:80],
                status=Status.NEW,
                priority=draft.priority,
                category=draft.category,
                origin_channel=draft.channel,
                language=draft.customer.preferred_language,
                customer=draft.customer,
                queue=draft.queue,
                opened_at=draft.at,
                updated_at=draft.at,
            )
            for number, draft in zip(numbers, drafts, strict=True)
        ]
    )
    messages = Message.objects.bulk_create(
        [
            Message(
                case=case,
                kind=MessageKind.INBOUND,
                channel=draft.channel,
                text=draft.text,
                html=sanitize_html(draft.html),
                language=case.language,
                author_customer=draft.customer,
                sender_address=draft.sender_address,
                external_id=draft.external_id,
                created_at=draft.at,
            )
            for case, draft in zip(cases, drafts, strict=True)
        ]
    )
    events = []
    for case, message, draft in zip(cases, messages, drafts, strict=True):
        opened = _opened_details(case, draft.channel)
        added = {"message": message.pk, "kind": message.kind, "channel": draft.channel}
        events.append(
            new_event("case.opened", case=case, by_customer=True, at=draft.at, after=opened)
        )
        events.append(
            new_event("message.added", case=case, by_customer=True, at=draft.at, after=added)
        )
    record_events(events)
    for case in cases:
        link_repeat_contact(case, actor=None, at=case.opened_at)
    apply_policies(cases)
    measure_cases(cases, now=max(case.opened_at for case in cases))
    return messages


@transaction.atomic
def add_customer_message(
    case: Case,
    *,
    text: str,
    channel: str,
    html: str = "",
    sender_address: str = "",
    external_id: str = "",
    raw_source: bytes | None = None,
    at: datetime | None = None,
) -> Message:
    """Add the customer's new message; it reopens a resolved case and wakes a pending one."""
    at = at or timezone.now()
    case = _locked(case)
    if case.status == Status.CLOSED:
        raise CaseIsClosed(f"case {case.reference} is closed")
    message = _add_message(
        case,
        kind=MessageKind.INBOUND,
        channel=channel,
        text=text,
        html=html,
        at=at,
        author_customer=case.customer,
        sender_address=sender_address,
        external_id=external_id,
        raw_source=raw_source,
    )
    target = status_on_customer_message(case.status)
    if target is not None:
        _move(case, target, actor=None, by_customer=True, at=at)
    case.save()
    track_case(case, at=at)
    return message


@transaction.atomic
def reply_to_customer(
    case: Case,
    *,
    agent: User,
    text: str,
    html: str = "",
    then: Status | None = Status.PENDING_CUSTOMER,
    attachments: Sequence[Attachment] = (),
    at: datetime | None = None,
) -> Message:
    """Send the customer a reply by email through the outbox; the first one stamps the first
    response time."""
    at = at or timezone.now()
    check_claimable(attachments, agent)
    case = _locked(case)
    if case.status == Status.CLOSED:
        raise CaseIsClosed(f"case {case.reference} is closed")
    message = _add_message(
        case,
        kind=MessageKind.OUTBOUND,
        channel=Channel.EMAIL,
        text=text,
        html=html,
        at=at,
        author_user=agent,
        attachments=attachments,
    )
    queue_email(message)
    if case.first_response_at is None:
        case.first_response_at = at
    if then is not None and Status(case.status) is not then:
        _move(case, then, actor=agent, at=at)
    case.save()
    track_case(case, at=at)
    return message


@transaction.atomic
def add_internal_note(
    case: Case,
    *,
    agent: User,
    text: str,
    attachments: Sequence[Attachment] = (),
    at: datetime | None = None,
) -> Message:
    """Add a note only staff can see."""
    at = at or timezone.now()
    check_claimable(attachments, agent)
    case = _locked(case)
    message = _add_message(
        case,
        kind=MessageKind.NOTE,
        channel="api",
        text=text,
        at=at,
        author_user=agent,
        attachments=attachments,
    )
    record_mentions(message, agent, at)
    case.save()
    return message


@transaction.atomic
def change_status(
    case: Case, target: Status | str, *, actor: User | None = None, at: datetime | None = None
) -> Case:
    """Move a case to another status, as the lifecycle allows."""
    at = at or timezone.now()
    case = _locked(case)
    _move(case, Status(target), actor=actor, at=at)
    case.save()
    track_case(case, at=at)
    return case


@transaction.atomic
def assign_case(
    case: Case, assignee: User | None, *, actor: User | None = None, at: datetime | None = None
) -> Case:
    """Give a case to an agent, or take it back to the queue with None."""
    at = at or timezone.now()
    case = _locked(case)
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    before = {"assignee": case.assignee_id}
    case.assignee = assignee
    case.updated_at = max(case.updated_at, at)
    if case.status == Status.NEW and assignee is not None:
        _move(case, Status.OPEN, actor=actor, at=at)
    record_event(
        "case.assigned",
        case=case,
        actor=actor,
        at=at,
        before=before,
        after={"assignee": case.assignee_id},
    )
    case.save()
    track_case(case, at=at)
    return case


def _detail_value(value: Any) -> Any:
    return value.pk if isinstance(value, Queue) else value


@transaction.atomic
def change_case_details(
    case: Case, *, actor: User | None = None, at: datetime | None = None, **changes: Any
) -> Case:
    """Change subject, priority, category or queue; one event lists what changed."""
    unknown = set(changes) - EDITABLE_DETAILS
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here")
    at = at or timezone.now()
    case = _locked(case)
    before, after = {}, {}
    for field, value in changes.items():
        current = getattr(case, field)
        if _detail_value(current) != _detail_value(value):
            before[field], after[field] = _detail_value(current), _detail_value(value)
            setattr(case, field, value)
    if not after:
        return case
    case.full_clean(exclude=["number", "customer", "assignee", "repeat_of"])
    case.updated_at = max(case.updated_at, at)
    record_event("case.updated", case=case, actor=actor, at=at, before=before, after=after)
    case.save()
    if "category" in after:
        link_repeat_contact(case, actor=actor, at=at)
    track_case(case, at=at, actor=actor, reapply=True)
    return case


def close_resolved_cases(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Close cases resolved longer ago than `older_than`, but not while a repair of theirs is
    under way: the customer is told of its stages on the case. Returns how many were closed."""
    now = now or timezone.now()
    under_repair = RepairOrder.objects.filter(case=OuterRef("pk"), closed_at__isnull=True)
    due = Case.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - older_than).exclude(
        Exists(under_repair)
    )
    closed = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.status == Status.RESOLVED:
                _move(case, Status.CLOSED, actor=None, at=now)
                case.save()
                track_case(case, at=now)
                closed += 1
    return closed


def save_view(owner: User, name: str, query: dict[str, str]) -> SavedView:
    """Keep a case-list filter under a name; saving the same name again replaces it."""
    saved, _ = SavedView.objects.update_or_create(
        owner=owner, name=name.strip(), defaults={"query": query}
    )
    return saved


def forget_view(saved: SavedView) -> None:
    """Delete a saved view."""
    saved.delete()


class CannotMergeCases(ValueError):
    """The cases cannot be merged: the same case, or one is closed or already merged."""


class CannotSplit(ValueError):
    """Only a customer's message, in a case that keeps another message, can become a case."""


def _locked_pair(first: Case, second: Case) -> tuple[Case, Case]:
    pair = Case.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")
    locked = {case.pk: case for case in pair}
    return locked[first.pk], locked[second.pk]


def _close(case: Case, *, actor: User | None, at: datetime) -> None:
    if case.status != Status.RESOLVED:
        _move(case, Status.RESOLVED, actor=actor, at=at)
    _move(case, Status.CLOSED, actor=actor, at=at)


@transaction.atomic
def merge_cases(
    duplicate: Case, target: Case, *, actor: User | None = None, at: datetime | None = None
) -> Case:
    """Move a duplicate case's messages into the target and close the duplicate.

    The duplicate keeps its number and its events (the log is append-only); it points at the
    target, whose history shows both.
    """
    at = at or timezone.now()
    if duplicate.pk == target.pk:
        raise CannotMergeCases("a case cannot be merged into itself")
    duplicate, target = _locked_pair(duplicate, target)
    for case in (duplicate, target):
        if case.status == Status.CLOSED or case.merged_into_id:
            raise CannotMergeCases(f"case {case.reference} is closed or already merged")
    moved = Message.objects.filter(case=duplicate).update(case=target)
    duplicate.merged_into = target
    _close(duplicate, actor=actor, at=at)
    duplicate.save()
    track_case(duplicate, at=at)
    record_event(
        "case.merged_into",
        case=duplicate,
        actor=actor,
        at=at,
        after={"target": target.number, "messages": moved},
    )
    record_event(
        "case.merged",
        case=target,
        actor=actor,
        at=at,
        after={"duplicate": duplicate.number, "messages": moved},
    )
    target.updated_at = max(target.updated_at, at)
    target.save()
    return target


@transaction.atomic
def link_cases(case: Case, other: Case, *, actor: User | None = None) -> None:
    """Mark two cases as related; linking twice changes nothing."""
    if case.pk == other.pk:
        raise ValueError("a case cannot be linked to itself")
    if CaseLink.objects.filter(from_case=case, to_case=other).exists():
        return
    CaseLink.objects.bulk_create(
        [
            CaseLink(from_case=case, to_case=other, created_by=actor),
            CaseLink(from_case=other, to_case=case, created_by=actor),
        ]
    )
    for one, another in ((case, other), (other, case)):
        record_event("case.linked", case=one, actor=actor, after={"case": another.number})


@transaction.atomic
def unlink_cases(case: Case, other: Case, *, actor: User | None = None) -> None:
    """Remove the link between two cases, if there is one."""
    links = CaseLink.objects.filter(
        Q(from_case=case, to_case=other) | Q(from_case=other, to_case=case)
    )
    if links.delete()[0]:
        for one, another in ((case, other), (other, case)):
            record_event("case.unlinked", case=one, actor=actor, before={"case": another.number})


def subject_from_text(text: str, length: int = 80) -> str:
    """The first line of a text after a salutation ("Hello team,"), cut at a word boundary."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(","):
        lines.pop(0)
    line = lines[0] if lines else ""
    if len(line) <= length:
        return line
    # One character more, so that a word ending exactly at `length` is kept whole.
    return line[: length + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@transaction.atomic
def split_message(
    message: Message, *, actor: User, subject: str = "", at: datetime | None = None
) -> Case:
    """Turn a customer's message about another matter into a case of its own."""
    at = at or timezone.now()
    case = _locked(message.case)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.kind != MessageKind.INBOUND or message.case_id != case.pk:
        raise CannotSplit("only a message from the customer can become a case")
    if not case.messages.exclude(pk=message.pk).exists():
        raise CannotSplit("the case would be left without a message")
    new_case = Case.objects.create(
        number=reserve_numbers(CASE_SEQUENCE)[0],
        subject=(subject.strip() or subject_from_text(message.text) or case.subject)[:255],
        status=Status.NEW,
        priority=case.priority,
        category=case.category,
        origin_channel=message.channel,
        language=case.language,
        customer=case.customer,
        queue=case.queue,
        opened_at=at,
        updated_at=at,
    )
    message.case = new_case
    message.save(update_fields=["case"])
    record_event(
        "case.opened",
        case=new_case,
        actor=actor,
        at=at,
        after={
            "number": new_case.number,
            "subject": new_case.subject,
            "split_from": case.number,
            "message": message.pk,
        },
    )
    record_event(
        "case.split",
        case=case,
        actor=actor,
        at=at,
        after={"message": message.pk, "new_case": new_case.number},
    )
    track_case(new_case, at=at, actor=actor, reapply=True)
    return new_case


class MacroNotUsable(ValueError):
    """The macro is inactive, has no text, or is not offered on this case's queue."""


@dataclass(frozen=True)
class MacroReply:
    """A macro rendered for one case: the reply, its language, what sending it changes, and
    the placeholders left as written because unknown."""

    text: str
    language: str
    changes: dict[str, Any]
    unknown: tuple[str, ...]
    macro: Macro


def placeholder_values(case: Case, agent: User) -> dict[str, str]:
    """The value of each placeholder a macro may use, for this case and agent."""
    return {
        "customer.first_name": case.customer.first_name,
        "customer.last_name": case.customer.last_name,
        "customer.full_name": case.customer.full_name,
        "case.number": str(case.number),
        "case.reference": case.reference,
        "case.subject": case.subject,
        "agent.first_name": agent.first_name,
        "agent.full_name": agent.get_full_name(),
    }


def _macro_text(macro: Macro, case: Case) -> tuple[str, str]:
    texts = {text.language: text.text for text in macro.texts.all()}
    preferred = [case.language, case.customer.preferred_language, "en", *sorted(texts)]
    for language in preferred:
        if language in texts:
            return language, texts[language]
    raise MacroNotUsable(f"macro {macro.name!r} has no text")


def macro_changes(macro: Macro) -> dict[str, Any]:
    """What sending the macro's reply changes on the case, besides adding the reply."""
    changes: dict[str, Any] = {"then": macro.then}
    if macro.priority:
        changes["priority"] = macro.priority
    if macro.category:
        changes["category"] = macro.category
    if macro.assign_to_me:
        changes["assign_to_me"] = True
    return changes


def macro_reply(case: Case, macro: Macro, agent: User) -> MacroReply:
    """The macro's reply for this case, in the customer's language (else English, else any)."""
    if not macro.is_usable_on(case.queue):
        raise MacroNotUsable(f"macro {macro.name!r} is not offered on case {case.reference}")
    language, template = _macro_text(macro, case)
    rendered = render(template, placeholder_values(case, agent))
    return MacroReply(rendered.text, language, macro_changes(macro), rendered.unknown, macro)


@transaction.atomic
def reply_with_macro(
    case: Case,
    *,
    agent: User,
    macro: Macro,
    text: str | None = None,
    then: Status | None = None,
    attachments: Sequence[Attachment] = (),
    at: datetime | None = None,
) -> Message:
    """Send a macro's reply (or the agent's edit of it, `text`) and make the macro's changes,
    all or nothing; `then` overrides the macro's status after the reply."""
    if not can_work(agent, case):
        raise PermissionDenied
    at = at or timezone.now()
    reply = macro_reply(_locked(case), macro, agent)
    if text is None:
        if reply.unknown:
            raise ValidationError(
                {"text": f"Fix the macro's unknown placeholders first: {', '.join(reply.unknown)}"}
            )
        text = reply.text
    then = then or Status(macro.then)
    message = reply_to_customer(
        case, agent=agent, text=text, then=None, attachments=attachments, at=at
    )
    if macro.assign_to_me:
        assign_case(case, agent, actor=agent, at=at)
    details = {
        name: reply.changes[name] for name in ("priority", "category") if name in reply.changes
    }
    if details:
        change_case_details(case, actor=agent, at=at, **details)
    if Status(case.status) is not then:
        change_status(case, then, actor=agent, at=at)
    record_event(
        "case.macro_applied",
        case=case,
        actor=agent,
        at=at,
        after={
            "macro": macro.pk,
            "name": macro.name,
            "language": reply.language,
            "message": message.pk,
            "changes": {**reply.changes, "then": str(then)},
        },
    )
    return message
