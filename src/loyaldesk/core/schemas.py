"""Input types shared by the API's schemas: text the database can store, ids it can hold."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text must be valid Unicode") from error
    return value


def text(min_length: int = 0, max_length: int = 255):
    """A string of bounded length that any database accepts."""
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(_storable)
    ]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
