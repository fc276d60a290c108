"""REST endpoints for the desk's staff."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from loyaldesk.accounts.models import User
from loyaldesk.accounts.services import role_of
from loyaldesk.core.schemas import MAX_ID
from loyaldesk.desk.permissions import ensure
from loyaldesk.desk.selectors import colleagues

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    preferred_language: str
    role: str | None

    @staticmethod
    def resolve_role(user: User) -> str | None:
        role = role_of(user)
        return role.value if role else None


@router.get("/me", response=UserOut)
def me(request: HttpRequest):
    """The user the token belongs to."""
    return request.user


@router.get("", response=list[UserOut])
def list_users(request: HttpRequest):
    """The colleagues the token's user works with (everyone, for managers)."""
    ensure(request.user.has_perm("desk.view_case"))
    return list(colleagues(request.user).prefetch_related("groups"))


@router.get("/{user_id}", response=UserOut)
def read_user(request: HttpRequest, user_id: int = Path(..., ge=1, le=MAX_ID)):
    """One colleague."""
    ensure(request.user.has_perm("desk.view_case"))
    return get_object_or_404(colleagues(request.user), pk=user_id)
