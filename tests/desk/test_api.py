import pytest

from loyaldesk.channels.models import Delivery
from loyaldesk.desk.models import Case
from loyaldesk.desk.services import open_case


def test_list_cases_pages_with_cursor_and_filters(
    api_as, manager, customer, queue, case, repairs_case
):
    for n in range(3):
        open_case(customer=customer, subject=f"Extra {n}", text="x", channel="chat")
    api = api_as(manager)
    first = api.get("/api/cases", {"limit": 2, "sort": "number"}).json()
    assert [c["number"] for c in first["items"]] == [1, 2]
    second = api.get(
        "/api/cases", {"limit": 2, "sort": "number", "cursor": first["next_cursor"]}
    ).json()
    assert [c["number"] for c in second["items"]] == [3, 4]
    chat = api.get("/api/cases", {"channel": "chat"}).json()
    assert {c["subject"] for c in chat["items"]} == {"Extra 0", "Extra 1", "Extra 2"}
    assert first["items"][0]["reference"] == case.reference


def test_agent_lists_only_their_teams_cases(api_as, agent, front_team, case, repairs_case):
    items = api_as(agent).get("/api/cases").json()["items"]
    assert [c["number"] for c in items] == [case.number]


def test_create_case_then_work_it(api_as, agent, front_team, customer, queue):
    api = api_as(agent)
    created = api.post(
        "/api/cases",
        {
            "customer_id": customer.pk,
            "subject": "Order late",
            "text": "Where is it?",
            "channel": "phone",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    number = created.json()["number"]
    case = Case.objects.get(number=number)
    assert case.events.get(kind="case.opened").actor == agent
    taken = api.put(
        f"/api/cases/{number}/assignee", {"assignee_id": agent.pk}, content_type="application/json"
    )
    assert taken.json()["assignee_id"] == agent.pk
    reply = api.post(
        f"/api/cases/{number}/replies",
        {"text": "It ships today", "then": "resolved"},
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert reply.json()["delivery_state"] == "queued"
    assert (
        Delivery.objects.get(message_id=reply.json()["id"]).to_address == "chiara.rossi@example.it"
    )
    assert api.get(f"/api/cases/{number}").json()["status"] == "resolved"
    note = api.post(
        f"/api/cases/{number}/notes",
        {"text": "Called the carrier"},
        content_type="application/json",
    )
    assert note.json()["kind"] == "note"
    thread = api.get(f"/api/cases/{number}/messages").json()
    assert [m["kind"] for m in thread] == ["inbound", "outbound", "note"]
    events = [e["kind"] for e in api.get(f"/api/cases/{number}/events").json()]
    assert events[:2] == ["case.opened", "message.added"]
    assert "case.assigned" in events


def test_update_and_move(api_as, agent, front_team, case):
    api = api_as(agent)
    patched = api.patch(
        f"/api/cases/{case.number}",
        {"priority": "urgent", "category": "repair"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["priority"], patched.json()["category"]) == ("urgent", "repair")
    moved = api.post(
        f"/api/cases/{case.number}/status", {"status": "resolved"}, content_type="application/json"
    )
    assert moved.json()["status"] == "resolved"
    refused = api.post(
        f"/api/cases/{case.number}/status",
        {"status": "pending_customer"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert "cannot go from resolved to pending_customer" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/cases", {"customer_id": 1, "subject": "", "text": "x", "channel": "email"}),
        (
            "post",
            "/api/cases",
            {"customer_id": 1, "subject": "x", "text": "x", "channel": "pigeon"},
        ),
        (
            "post",
            "/api/cases",
            {"customer_id": 1, "subject": "x\u0000", "text": "x", "channel": "email"},
        ),
        (
            "post",
            "/api/cases",
            {"customer_id": 2**70, "subject": "x", "text": "x", "channel": "email"},
        ),
        ("patch", "/api/cases/1", {"priority": "whenever"}),
        ("post", "/api/cases/1/status", {"status": "limbo"}),
        ("post", "/api/cases/1/replies", {"text": ""}),
        ("post", "/api/cases/1/replies", {"text": "x" * 50_001}),
        ("put", "/api/cases/1/assignee", {}),
    ],
)
def test_bad_input_is_rejected_before_the_database(api_as, manager, case, method, path, body):
    before = case.events.count()
    response = getattr(api_as(manager), method)(path, body, content_type="application/json")
    assert response.status_code == 422
    assert "detail" in response.json()
    assert case.events.count() == before


def test_unknown_things_are_404_in_json(api_as, manager, case):
    api = api_as(manager)
    assert api.get("/api/cases/999").status_code == 404
    missing_customer = api.post(
        "/api/cases",
        {"customer_id": 999, "subject": "x", "text": "x", "channel": "email"},
        content_type="application/json",
    )
    assert missing_customer.status_code == 404
    assert missing_customer.json() == {"detail": "Not Found"}
    assert api.get("/api/cases", {"cursor": "garbage"}).status_code == 400


def test_queues_are_those_the_user_sees(api_as, agent, front_team, repairs_queue):
    names = [q["name"] for q in api_as(agent).get("/api/queues").json()]
    assert names == ["General"]


def test_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/cases/{number}/replies" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
