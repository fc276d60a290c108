"""Role x action x own/other team, through the agent UI: who may do what to which case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loyaldesk.accounts.models import User
from loyaldesk.desk.attachments import store_upload
from loyaldesk.desk.services import add_customer_message, add_internal_note

ALLOWED, HIDDEN, FORBIDDEN = "allowed", "hidden", "forbidden"
ACTIONS = (
    "detail",
    "live",
    "download",
    "reply",
    "note",
    "take",
    "assign_teammate",
    "status",
    "details",
    "split",
)
READS = ("detail", "live", "download")


def expected(role: str, side: str, action: str) -> str:
    if role in ("manager", "admin"):
        return ALLOWED
    if side == "other":
        return HIDDEN
    if action == "assign_teammate" and role == "agent":
        return FORBIDDEN
    return ALLOWED


def prepare(case, action, teammate) -> int | None:
    """What some actions act on: a file on the case, a second customer message to split off."""
    if action == "download":
        upload = SimpleUploadedFile("a.txt", b"file", content_type="text/plain")
        note = add_internal_note(
            case,
            agent=teammate,
            text="file",
            attachments=[store_upload(upload, uploaded_by=teammate)],
        )
        return note.attachments.get().pk
    if action == "split":
        return add_customer_message(case, text="Another matter", channel="email").pk
    return None


def request_for(client, case, action, teammate, target_id=None):
    number = case.number
    if action == "detail":
        return client.get(reverse("desk:case-detail", args=[number]))
    if action == "live":
        return client.get(reverse("desk:case-live", args=[number]))
    if action == "download":
        return client.get(reverse("desk:attachment-download", args=[number, target_id]))
    if action == "split":
        return client.post(
            reverse("desk:message-split", args=[number, target_id]), {"subject": "Invoice"}
        )
    data = {
        "reply": {"text": "Hello", "then": "pending_customer"},
        "note": {"text": "Internal"},
        "take": {"take": "1"},
        "assign_teammate": {"assignee": teammate.pk},
        "status": {"status": "resolved"},
        "details": {
            "subject": "Changed",
            "priority": "high",
            "category": "",
            "queue": case.queue_id,
        },
    }[action]
    url_name = {"take": "assign", "assign_teammate": "assign"}.get(action, action)
    return client.post(reverse(f"desk:case-{url_name}", args=[number]), data)


def changed(case, before_events: int) -> bool:
    return case.events.count() > before_events


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ["agent", "lead", "manager", "admin"])
def test_ui_permission_matrix(client, matrix_cell, role, side, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, target, mate = matrix_cell(role, side)
    target_id = prepare(target, action, mate)
    client.force_login(user)
    before = target.events.count()
    response = request_for(client, target, action, mate, target_id)
    outcome = expected(role, side, action)
    if outcome == ALLOWED:
        assert response.status_code in (200, 303), response.status_code
        assert action in READS or changed(target, before)
    else:
        assert response.status_code == (404 if outcome == HIDDEN else 403)
        assert not changed(target, before)


@pytest.fixture
def manager1(manager):
    return manager


@pytest.fixture
def admin1(admin_user):
    return admin_user


@pytest.mark.parametrize(
    ("username", "sees_other"),
    [("agent1", False), ("lead1", False), ("manager1", True), ("admin1", True)],
)
def test_case_list_shows_only_what_the_role_may_see(
    client, username, sees_other, manager1, admin1, front_team, case, repairs_case
):
    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("desk:case-list")).content.decode()
    assert case.subject in page
    assert (repairs_case.subject in page) is sees_other
