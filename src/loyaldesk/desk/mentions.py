"""@username mentions in internal notes: who is named, and who may be told."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Q, QuerySet

from loyaldesk.accounts.models import User
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case, Mention, Message
from loyaldesk.desk.permissions import can_see

# Not after a word character, '@' or '.', so e-mail addresses are not mentions.
MENTION = re.compile(r"(?<![\w@.])@(\w[\w.+-]*\w|\w)")
MAX_MENTIONS = 20


def mentioned_usernames(text: str) -> list[str]:
    """The distinct usernames named with @ in a text, in order, lower-cased."""
    names = dict.fromkeys(name.lower() for name in MENTION.findall(text))
    return list(names)[:MAX_MENTIONS]


def mentioned_users(text: str) -> QuerySet[User]:
    """The users a text names."""
    named = Q(pk__in=[])
    for name in mentioned_usernames(text):
        named |= Q(username__iexact=name)
    return User.objects.filter(named).order_by("username")


def split_by_access(text: str, case: Case) -> tuple[list[User], list[User]]:
    """The named users who can see the case, and those who cannot (and will not be told)."""
    users = mentioned_users(text).filter(is_active=True)
    reachable = [user for user in users if can_see(user, case)]
    return reachable, [user for user in users if user not in reachable]


def record_mentions(message: Message, author: User, at: datetime) -> list[User]:
    """Note who a new internal note mentions, inside its transaction; return them."""
    reachable, _ = split_by_access(message.text, message.case)
    reachable = [user for user in reachable if user.pk != author.pk]
    if not reachable:
        return []
    Mention.objects.bulk_create(
        [Mention(message=message, user=user, created_at=at) for user in reachable]
    )
    record_event(
        "case.mentioned",
        case=message.case,
        actor=author,
        at=at,
        after={"message": message.pk, "users": [user.pk for user in reachable]},
    )
    return reachable


def mark_mentions_read(case: Case, user: User, at: datetime) -> int:
    """The user opened the case: their mentions on it are read."""
    return Mention.objects.filter(message__case=case, user=user, read_at__isnull=True).update(
        read_at=at
    )
