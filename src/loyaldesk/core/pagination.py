"""Keyset (cursor) pagination: every page costs the same, the first or the ten-thousandth."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime

T = TypeVar("T", bound=Model)


class BadCursor(ValueError):
    """A cursor that was not made by this paginator, or was tampered with."""


@dataclass(frozen=True)
class Ordering:
    """Sort by one non-null field, then by primary key, both in the same direction."""

    field: str
    descending: bool = True

    @classmethod
    def parse(cls, text: str) -> Ordering:
        return cls(text.removeprefix("-"), text.startswith("-"))

    def order_by(self, flip: bool = False) -> tuple[str, str]:
        sign = "-" if self.descending != flip else ""
        return f"{sign}{self.field}", f"{sign}pk"


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    items: list[T]
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _encode(value: Any, pk: int, backwards: bool) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps([raw, pk, backwards], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int, bool]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk, backwards = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as error:
        raise BadCursor("this page link is not valid any more") from error
    if not isinstance(pk, int) or not isinstance(backwards, bool):
        raise BadCursor("this page link is not valid any more")
    return value, pk, backwards


def _after(ordering: Ordering, value: Any, pk: int, backwards: bool) -> Q:
    if isinstance(value, str) and (moment := parse_datetime(value)) is not None:
        value = moment
    before = ordering.descending != backwards
    op = "lt" if before else "gt"
    return Q(**{f"{ordering.field}__{op}": value}) | Q(**{ordering.field: value, f"pk__{op}": pk})


def keyset_page(
    queryset: QuerySet[T], ordering: Ordering, size: int, cursor: str | None = None
) -> KeysetPage[T]:
    """One page of `queryset` in `ordering`, after (or before) the row the cursor points at."""
    backwards = False
    if cursor:
        value, pk, backwards = _decode(cursor)
        queryset = queryset.filter(_after(ordering, value, pk, backwards))
    rows = list(queryset.order_by(*ordering.order_by(flip=backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)

    def cursor_at(row: T, back: bool) -> str:
        return _encode(getattr(row, ordering.field), row.pk, back)

    has_next = more if not backwards else True
    has_previous = bool(cursor) if not backwards else more
    return KeysetPage(
        rows,
        cursor_at(rows[-1], False) if has_next else None,
        cursor_at(rows[0], True) if has_previous else None,
    )
