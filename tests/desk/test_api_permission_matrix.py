"""Role x action x own/other team, through the REST API: the same answers as the UI."""

import pytest

from tests.desk.test_permission_matrix import ALLOWED, HIDDEN, expected, prepare

ACTIONS = (
    "read",
    "reply",
    "note",
    "take",
    "assign_teammate",
    "status",
    "details",
    "messages",
    "download",
    "split",
)
READS = ("read", "messages", "download")


def call(api, case, action, teammate, target_id=None):
    number = case.number
    json = {"content_type": "application/json"}
    return {
        "read": lambda: api.get(f"/api/cases/{number}"),
        "download": lambda: api.get(f"/api/attachments/{target_id}"),
        "split": lambda: api.post(
            f"/api/cases/{number}/messages/{target_id}/split", {"subject": "Other"}, **json
        ),
        "messages": lambda: api.get(f"/api/cases/{number}/messages"),
        "reply": lambda: api.post(f"/api/cases/{number}/replies", {"text": "Hi"}, **json),
        "note": lambda: api.post(f"/api/cases/{number}/notes", {"text": "Hi"}, **json),
        "take": lambda: api.put(
            f"/api/cases/{number}/assignee", {"assignee_id": api.user_id}, **json
        ),
        "assign_teammate": lambda: api.put(
            f"/api/cases/{number}/assignee", {"assignee_id": teammate.pk}, **json
        ),
        "status": lambda: api.post(f"/api/cases/{number}/status", {"status": "resolved"}, **json),
        "details": lambda: api.patch(f"/api/cases/{number}", {"priority": "high"}, **json),
    }[action]()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ["agent", "lead", "manager", "admin"])
def test_api_permission_matrix(api_as, matrix_cell, role, side, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, target, mate = matrix_cell(role, side)
    target_id = prepare(target, action, mate)
    api = api_as(user)
    api.user_id = user.pk
    before = target.events.count()
    response = call(api, target, action, mate, target_id)
    outcome = expected(role, side, "detail" if action in READS else action)
    if outcome == ALLOWED:
        assert response.status_code in (200, 201), response.content
        assert action in READS or target.events.count() > before
    else:
        assert response.status_code == (404 if outcome == HIDDEN else 403), response.content
        assert target.events.count() == before
