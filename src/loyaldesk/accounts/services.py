"""Creating staff users and keeping role groups in line with loyaldesk.accounts.roles."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from loyaldesk.accounts.models import User
from loyaldesk.accounts.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role


def _permissions(codenames: tuple[str, ...]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in codenames}
    found = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"unknown permissions: {sorted('.'.join(m) for m in missing)}")
    return found


@transaction.atomic
def sync_roles() -> dict[Role, Group]:
    """Create or update one group per role with exactly that role's permissions."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role is Role.ADMIN:
            permissions = list(Permission.objects.all())
        else:
            permissions = _permissions(ROLE_PERMISSIONS[role])
        group.permissions.set(permissions)
        groups[role] = group
    return groups


def sync_roles_after_migrate(using: str = "default", **_: Any) -> None:
    """post_migrate hook: roles follow the code after every migration."""
    # post_migrate reaches this app before later apps have their permissions: make them all now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()


@transaction.atomic
def assign_role(user: User, role: Role) -> User:
    """Give a user exactly one role; managers and admins may open the admin site."""
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role is Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@transaction.atomic
def create_staff_user(
    username: str,
    password: str,
    role: Role,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    preferred_language: str = "en",
) -> User:
    """Create a staff user with one role."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        preferred_language=preferred_language,
    )
    return assign_role(user, role)


def role_of(user: User) -> Role | None:
    """The user's role, or None for a user without one."""
    names = set(user.groups.values_list("name", flat=True))
    for role in (Role.ADMIN, Role.MANAGER, Role.TEAM_LEAD, Role.AGENT):
        if role.value in names:
            return role
    return None
