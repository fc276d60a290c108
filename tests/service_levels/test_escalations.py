"""Escalation rules and predicted breaches, run as the periodic job runs them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from loyaldesk.desk.models import Event
from loyaldesk.desk.services import (
    add_customer_message,
    assign_case,
    open_case,
    reply_to_customer,
)
from loyaldesk.service_levels.escalation import forecast_breaches, run_escalations
from loyaldesk.service_levels.models import (
    Alert,
    CaseTimer,
    Escalation,
    EscalationAction,
    EscalationRule,
    Policy,
)
from loyaldesk.service_levels.services import record_due_breaches


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in Paris (UTC+1 all month until the 29th)."""
    return datetime(2026, 3, day, hour - 1, minute, tzinfo=UTC)


MONDAY, TUESDAY = 2, 3


@pytest.fixture
def standard(office):
    return Policy.objects.create(
        name="Standard",
        position=20,
        calendar=office,
        first_response_minutes=240,
        next_response_minutes=120,
        resolution_minutes=900,
    )


@pytest.fixture
def urgent(office):
    return Policy.objects.create(
        name="Urgent",
        position=10,
        calendar=office,
        priorities=["urgent"],
        first_response_minutes=30,
        next_response_minutes=30,
        resolution_minutes=240,
    )


def rule(policy, target="first_response", percent=100, action="notify_assignee", **more):
    return EscalationRule.objects.create(
        policy=policy, target=target, percent=percent, action=action, **more
    )


def new_case(customer, queue, at, **details):
    return open_case(
        customer=customer,
        subject="Lavatrice rumorosa",
        text="La lavatrice fa un rumore forte in centrifuga.",
        channel="email",
        queue=queue,
        at=at,
        **details,
    )


def escalated_events(case):
    return list(Event.objects.filter(case=case, kind="sla.escalated").order_by("at", "id"))


def test_a_rule_acts_once_when_its_share_of_the_target_is_used(
    customer, queue, agent, front_team, standard
):
    rule(standard, percent=50)  # half of 4 business hours: 2 hours of opening time
    case = new_case(customer, queue, paris(MONDAY, 10))
    assign_case(case, agent, at=paris(MONDAY, 10, 5))

    assert run_escalations(paris(MONDAY, 11, 59)) == 0
    assert run_escalations(paris(MONDAY, 12, 1)) == 1
    assert run_escalations(paris(MONDAY, 12, 2)) == 0
    assert run_escalations(paris(MONDAY, 15)) == 0

    [event] = escalated_events(case)
    assert event.after["percent"] == 50
    assert event.after["notified"] == [agent.pk]
    assert event.actor is None
    assert list(Alert.objects.filter(case=case).values_list("user", flat=True)) == [agent.pk]


def test_business_time_not_wall_time_decides_with_a_lunch_break(customer, queue, agent, standard):
    rule(standard, percent=50)
    case = new_case(customer, queue, paris(MONDAY, 11, 30))
    assign_case(case, agent, at=paris(MONDAY, 11, 31))
    # 11:30-12:30 and 14:00-15:00 make the two business hours; lunch does not count.
    assert run_escalations(paris(MONDAY, 14, 30)) == 0  # 3 wall-clock hours already
    assert run_escalations(paris(MONDAY, 15, 1)) == 1


def test_escalations_never_fire_outside_opening_hours(customer, queue, agent, standard):
    rule(standard, percent=75)  # 3 business hours of 4
    case = new_case(customer, queue, paris(MONDAY, 15))
    assign_case(case, agent, at=paris(MONDAY, 15, 1))
    # Reached at 18:00 sharp, when the office closes: it waits for the next opening.
    for moment in (paris(MONDAY, 18, 1), paris(MONDAY, 22), paris(TUESDAY, 8, 59)):
        assert run_escalations(moment) == 0
    assert run_escalations(paris(TUESDAY, 12, 45)) == 0  # lunch break: closed
    assert run_escalations(paris(TUESDAY, 9)) == 1
    assert escalated_events(case)[0].at == paris(TUESDAY, 9)


def test_at_breach_the_case_is_reassigned_and_the_new_assignee_alerted(
    customer, queue, agent, lead, front_team, standard
):
    rule(standard, action=EscalationAction.REASSIGN, assign_to=lead)
    case = new_case(customer, queue, paris(MONDAY, 10))
    assign_case(case, agent, at=paris(MONDAY, 10, 1))
    due = paris(MONDAY, 15, 30)  # 10:00-12:30 then 14:00-15:30
    assert record_due_breaches(due + timedelta(minutes=1)) == 1
    assert run_escalations(due + timedelta(minutes=1)) == 1

    case.refresh_from_db()
    assert case.assignee == lead
    assigned = Event.objects.filter(case=case, kind="case.assigned").latest("id")
    assert assigned.after == {"assignee": lead.pk}
    assert assigned.actor is None
    assert escalated_events(case)[0].after["action"] == "reassign"
    assert Alert.objects.get(case=case).user == lead


def test_raising_the_priority_moves_the_case_to_the_tighter_policy(
    customer, queue, agent, front_team, standard, urgent
):
    rule(standard, percent=50, action=EscalationAction.RAISE_PRIORITY, priority="urgent")
    case = new_case(customer, queue, paris(MONDAY, 10))
    assign_case(case, agent, at=paris(MONDAY, 10, 1))
    assert run_escalations(paris(MONDAY, 12, 5)) == 1

    case.refresh_from_db()
    assert case.priority == "urgent"
    applied = Event.objects.filter(case=case, kind="sla.policy_applied").latest("id")
    assert applied.after["name"] == "Urgent"
    # The first response is now 30 business minutes; two hours are used: breached at once.
    timer = CaseTimer.objects.get(case=case, target="first_response")
    assert timer.target_seconds == 30 * 60
    assert timer.breached_at is not None
    assert {alert.user for alert in Alert.objects.filter(case=case)} == {agent, front_team.lead}


def test_a_raise_never_lowers_a_priority(customer, queue, agent, standard):
    standard.priorities = []
    standard.save()
    rule(standard, percent=50, action=EscalationAction.RAISE_PRIORITY, priority="high")
    case = new_case(customer, queue, paris(MONDAY, 10), priority="urgent")
    assert run_escalations(paris(MONDAY, 12, 5)) == 1
    case.refresh_from_db()
    assert case.priority == "urgent"


def test_next_response_escalates_once_per_wait(customer, queue, agent, standard):
    rule(standard, target="next_response", percent=50)  # one business hour of two
    case = new_case(customer, queue, paris(MONDAY, 9))
    assign_case(case, agent, at=paris(MONDAY, 9, 1))
    reply_to_customer(
        case, agent=agent, text="Ci manda il numero di serie?", at=paris(MONDAY, 9, 10)
    )
    add_customer_message(case, text="Certo: SN-4411.", channel="email", at=paris(MONDAY, 9, 30))
    assert run_escalations(paris(MONDAY, 10, 31)) == 1
    reply_to_customer(case, agent=agent, text="Lo verifichiamo.", at=paris(MONDAY, 10, 40))
    add_customer_message(case, text="Novità?", channel="email", at=paris(MONDAY, 11))
    assert run_escalations(paris(MONDAY, 11, 30)) == 0
    assert run_escalations(paris(MONDAY, 12, 1)) == 1
    waits = sorted(Escalation.objects.filter(case=case).values_list("wait", flat=True))
    assert waits == [1, 2]


def test_a_rule_notifies_the_team_lead_and_an_unassigned_case_goes_to_the_lead(
    customer, queue, lead, front_team, standard
):
    rule(standard, percent=50, action=EscalationAction.NOTIFY_TEAM_LEAD)
    rule(standard, percent=75, action=EscalationAction.NOTIFY_ASSIGNEE)
    case = new_case(customer, queue, paris(MONDAY, 10))  # nobody assigned
    assert run_escalations(paris(MONDAY, 15)) == 2
    assert Alert.objects.filter(case=case, user=lead).count() == 2


def test_alerts_show_in_the_escalated_view_until_the_case_is_opened(
    client, customer, queue, agent, front_team, standard
):
    rule(standard, percent=50)
    case = new_case(customer, queue, paris(MONDAY, 10))
    assign_case(case, agent, at=paris(MONDAY, 10, 1))
    run_escalations(paris(MONDAY, 12, 5))
    client.force_login(agent)

    listed = client.get(reverse("desk:case-list"), {"view": "alerts"})
    assert case.subject in listed.content.decode()
    page = client.get(reverse("desk:case-detail", args=[case.number]))
    assert "First response at 50% of its target" in page.content.decode()
    listed = client.get(reverse("desk:case-list"), {"view": "alerts"})
    assert case.subject not in listed.content.decode()


def backlog(customer, queue, count, start):
    cases = []
    for number in range(count):
        cases.append(new_case(customer, queue, start + timedelta(minutes=number)))
    return cases


def test_a_queue_slower_than_its_backlog_is_warned_once(
    customer, queue, agent, lead, front_team, standard
):
    early = paris(MONDAY, 9)
    answered = backlog(customer, queue, 8, early)
    for case in answered:
        reply_to_customer(case, agent=agent, text="Ci pensiamo noi.", at=paris(MONDAY, 10))
    waiting = backlog(customer, queue, 6, paris(MONDAY, 10, 30))
    # Eight replies in the last eight business hours: one an hour, so the queue reaches the k-th
    # waiting case k business hours after 11:00 (12:00, 14:30, 15:30, 16:30...). Each is due
    # four business hours after it came, from 16:00: the fourth case on are late.
    now = paris(MONDAY, 11)
    assert forecast_breaches(now) == 3
    at_risk = [case for case in waiting if type(case).objects.get(pk=case.pk).sla_at_risk]
    assert at_risk == waiting[3:]
    predicted = Event.objects.filter(kind="sla.breach_predicted")
    assert {event.case_id for event in predicted} == {case.pk for case in waiting[3:]}
    assert {alert.user for alert in Alert.objects.all()} == {lead}

    assert forecast_breaches(now + timedelta(minutes=1)) == 3
    assert predicted.count() == 3  # warned once per wait

    client_case = waiting[5]
    reply_to_customer(client_case, agent=agent, text="Eccoci.", at=now + timedelta(minutes=2))
    client_case.refresh_from_db()
    assert not client_case.sla_at_risk


def test_at_risk_cases_are_marked_and_filtered_in_the_case_list(
    client, customer, queue, agent, front_team, standard
):
    backlog(customer, queue, 3, paris(MONDAY, 9))
    forecast_breaches(paris(MONDAY, 11))  # nobody replied: every case will be late
    client.force_login(agent)
    page = client.get(reverse("desk:case-list"), {"view": "open", "service_level": "at_risk"})
    assert page.content.decode().count('class="badge at-risk"') == 3


def test_no_warning_outside_opening_hours(customer, queue, lead, front_team, standard):
    backlog(customer, queue, 2, paris(MONDAY, 17))
    assert forecast_breaches(paris(MONDAY, 19)) == 2
    assert not Event.objects.filter(kind="sla.breach_predicted").exists()
    forecast_breaches(paris(TUESDAY, 9))
    assert Event.objects.filter(kind="sla.breach_predicted").count() == 2


def test_rules_are_edited_with_their_policy_in_the_admin(client, admin_user, standard):
    client.force_login(admin_user)
    page = client.get(reverse("admin:service_levels_policy_change", args=[standard.pk]))
    assert page.status_code == 200
    assert "escalation_rules-TOTAL_FORMS" in page.content.decode()


def test_a_rule_says_who_gets_the_case_and_which_priority(standard):
    with pytest.raises(ValidationError, match="who the case goes to"):
        EscalationRule(policy=standard, target="resolution", action="reassign").full_clean()
    with pytest.raises(ValidationError, match="priority"):
        EscalationRule(policy=standard, target="resolution", action="raise_priority").full_clean()
