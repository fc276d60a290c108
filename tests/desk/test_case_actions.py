from django.urls import reverse

from loyaldesk.channels.models import Delivery
from loyaldesk.desk.models import MessageKind


def post(client, case, action, data):
    return client.post(reverse(f"desk:case-{action}", args=[case.number]), data)


def test_reply_from_the_case_page_queues_an_email_and_waits_for_the_customer(
    client, agent, front_team, case
):
    client.force_login(agent)
    response = post(
        client, case, "reply", {"text": "Buongiorno Chiara", "then": "pending_customer"}
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.status == "pending_customer"
    assert case.first_response_at is not None
    reply = case.messages.get(kind=MessageKind.OUTBOUND)
    assert reply.author_user == agent
    delivery = Delivery.objects.get(message=reply)
    assert delivery.state == "queued"
    assert delivery.to_address == "chiara.rossi@example.it"
    page = client.get(response.url).content.decode()
    assert "Buongiorno Chiara" in page
    assert "Queued" in page


def test_send_and_resolve(client, agent, front_team, case):
    client.force_login(agent)
    post(client, case, "reply", {"text": "Fatto", "then": "resolved"})
    case.refresh_from_db()
    assert case.status == "resolved"


def test_empty_reply_is_refused_with_the_form_error(client, agent, front_team, case):
    client.force_login(agent)
    response = post(client, case, "reply", {"text": "", "then": "pending_customer"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not case.messages.filter(kind=MessageKind.OUTBOUND).exists()


def test_note_stays_internal(client, agent, front_team, case):
    client.force_login(agent)
    post(client, case, "note", {"text": "Check the serial first"})
    note = case.messages.get(kind=MessageKind.NOTE)
    assert note.text == "Check the serial first"
    assert not Delivery.objects.exists()


def test_take_then_assign_to_a_teammate(client, lead, teammate, front_team, case):
    client.force_login(lead)
    post(client, case, "assign", {"take": "1"})
    case.refresh_from_db()
    assert case.assignee == lead
    assert case.status == "open"
    post(client, case, "assign", {"assignee": teammate.pk})
    case.refresh_from_db()
    assert case.assignee == teammate
    assert list(case.events.filter(kind="case.assigned").values_list("actor", flat=True)) == [
        lead.pk,
        lead.pk,
    ]


def test_cannot_assign_to_someone_outside_the_team(client, lead, front_team, case, repairs_queue):
    outsider = repairs_queue.team.members.get(username="agent2")
    client.force_login(lead)
    response = post(client, case, "assign", {"assignee": outsider.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_status_form_offers_only_allowed_moves(client, agent, front_team, case):
    client.force_login(agent)
    response = post(client, case, "status", {"status": "closed"})
    assert response.status_code == 400
    post(client, case, "status", {"status": "resolved"})
    case.refresh_from_db()
    assert case.status == "resolved"
    page = client.get(reverse("desk:case-detail", args=[case.number]))
    choices = [value for value, _ in page.context["status_form"].fields["status"].choices]
    assert choices == ["open", "closed"]


def test_details_change_records_one_event(client, agent, front_team, case):
    client.force_login(agent)
    post(
        client,
        case,
        "details",
        {
            "subject": "Aspirapolvere X2 rotto",
            "priority": "high",
            "category": "repair",
            "queue": case.queue_id,
        },
    )
    case.refresh_from_db()
    assert (case.subject, case.priority, case.category) == (
        "Aspirapolvere X2 rotto",
        "high",
        "repair",
    )
    event = case.events.get(kind="case.updated")
    assert event.after == {
        "subject": "Aspirapolvere X2 rotto",
        "priority": "high",
        "category": "repair",
    }


def test_cannot_move_a_case_into_a_queue_one_cannot_see(
    client, agent, front_team, case, repairs_queue
):
    client.force_login(agent)
    data = {
        "subject": case.subject,
        "priority": "normal",
        "category": "",
        "queue": repairs_queue.pk,
    }
    assert post(client, case, "details", data).status_code == 400
    case.refresh_from_db()
    assert case.queue_id != repairs_queue.pk


def test_actions_need_post(client, agent, front_team, case):
    client.force_login(agent)
    assert client.get(reverse("desk:case-reply", args=[case.number])).status_code == 405


def test_actions_need_csrf_token(agent, front_team, case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = post(client, case, "note", {"text": "sneaky"})
    assert response.status_code == 403
    assert not case.messages.filter(kind=MessageKind.NOTE).exists()
