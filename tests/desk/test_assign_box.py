"""The case page's assign box: agents take a case or hand it back, leads choose the assignee."""

from django.urls import reverse

from loyaldesk.desk.services import assign_case
from tests.selects import select_options, selected_values

HAND_BACK = '<button type="submit" name="assignee" value="" class="secondary">'


def assign_box(client, case) -> str:
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    return page.split('id="assign-form"', 1)[1].split("</form>", 1)[0]


def test_an_agent_gets_no_assignee_select(client, agent, front_team, case):
    client.force_login(agent)
    assert "<select" not in assign_box(client, case)


def test_an_agent_can_take_an_unassigned_case(client, agent, front_team, case):
    client.force_login(agent)
    box = assign_box(client, case)
    assert 'name="take"' in box
    assert "Take it" in box
    assert "Hand back to the queue" not in box


def test_an_agent_can_take_a_teammates_case_but_not_hand_it_back(
    client, lead, agent, teammate, front_team, case
):
    assign_case(case, teammate, actor=lead)
    client.force_login(agent)
    box = assign_box(client, case)
    assert "Take it" in box
    assert "Hand back to the queue" not in box
    assert "<select" not in box


def test_an_agent_can_hand_back_their_own_case(client, agent, front_team, case):
    assign_case(case, agent, actor=agent)
    client.force_login(agent)
    box = assign_box(client, case)
    assert HAND_BACK in box
    assert "Hand back to the queue" in box
    assert "Take it" not in box


def test_handing_back_leaves_the_case_unassigned(client, agent, front_team, case):
    assign_case(case, agent, actor=agent)
    client.force_login(agent)
    response = client.post(reverse("desk:case-assign", args=[case.number]), {"assignee": ""})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.assignee is None
    assert case.events.filter(kind="case.assigned").last().after == {"assignee": None}


def test_taking_a_case_from_the_box_assigns_the_agent(client, agent, front_team, case):
    client.force_login(agent)
    response = client.post(reverse("desk:case-assign", args=[case.number]), {"take": "1"})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.assignee == agent


def test_a_lead_chooses_among_the_team_with_the_assignee_selected(
    client, lead, agent, teammate, front_team, case
):
    assign_case(case, agent, actor=lead)
    client.force_login(lead)
    box = assign_box(client, case)
    assert f'<option value="{agent.pk}" selected>' in box
    options = select_options(box, name="assignee")
    assert selected_values(options) == [str(agent.pk)]
    offered = {value: label for value, label, _ in options}
    assert offered[""] == "Nobody"
    assert offered[str(teammate.pk)] == "Lucie"
    assert offered[str(lead.pk)] == "Ada"


def test_a_lead_sees_nobody_selected_on_an_unassigned_case(client, lead, front_team, case):
    client.force_login(lead)
    options = select_options(assign_box(client, case), name="assignee")
    assert selected_values(options) == [""]


def test_a_manager_gets_the_select_with_the_assignee_selected(
    client, manager, lead, agent, front_team, case
):
    assign_case(case, agent, actor=lead)
    client.force_login(manager)
    box = assign_box(client, case)
    assert f'<option value="{agent.pk}" selected>' in box
    assert "Hand back to the queue" not in box


def test_a_lead_gives_the_case_to_a_teammate_from_the_select(
    client, lead, teammate, front_team, case
):
    client.force_login(lead)
    response = client.post(
        reverse("desk:case-assign", args=[case.number]), {"assignee": teammate.pk}
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.assignee == teammate
