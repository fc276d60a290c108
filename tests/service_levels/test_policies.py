"""SLA policies applied to real cases: matching, versions, expectations, timers from events."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from loyaldesk.customers.models import Membership, Organisation
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Event
from loyaldesk.desk.services import (
    add_customer_message,
    add_internal_note,
    change_case_details,
    open_case,
    reply_to_customer,
)
from loyaldesk.service_levels.models import (
    CaseTimer,
    Expectation,
    Policy,
    ServiceMeasure,
)
from loyaldesk.service_levels.services import measure_case, record_due_breaches
from tests.conftest import T0  # Monday 2 March 2026, 10:00 in Paris

MINUTE = 60


def new_case(customer, queue, at=T0, **details):
    return open_case(
        customer=customer,
        subject="Aspirapolvere rotto",
        text="Il mio aspirapolvere non si accende più.",
        channel="email",
        queue=queue,
        at=at,
        **details,
    )


def timer(case, target: str) -> CaseTimer:
    return CaseTimer.objects.get(case=case, target=target)


def kinds(case) -> list[str]:
    return list(Event.objects.filter(case=case).values_list("kind", flat=True))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_new_case_is_measured_against_the_first_policy_it_matches(policies, customer, queue):
    case = new_case(customer, queue)
    applied = Event.objects.get(case=case, kind="sla.policy_applied")
    assert applied.after["name"] == "Standard"
    assert applied.after["targets"] == {
        "first_response": 240 * MINUTE,
        "next_response": 240 * MINUTE,
        "resolution": 900 * MINUTE,
    }
    # Four business hours from 10:00: 10:00-12:30, then 14:00-15:30 in Paris.
    assert timer(case, "first_response").due_at == utc(2026, 3, 2, 14, 30)
    case.refresh_from_db()
    assert case.sla_due_at == utc(2026, 3, 2, 14, 30)
    urgent = new_case(customer, queue, priority="urgent")
    assert Event.objects.get(case=urgent, kind="sla.policy_applied").after["name"] == "Urgent"


def test_without_a_matching_policy_a_case_is_not_measured(customer, queue):
    case = new_case(customer, queue)
    assert not CaseTimer.objects.filter(case=case).exists()
    assert case.sla_due_at is None
    assert "sla.policy_applied" not in kinds(case)


def test_notes_and_field_changes_are_not_a_first_response(policies, customer, queue, agent):
    case = new_case(customer, queue)
    add_internal_note(case, agent=agent, text="Checking stock.", at=T0 + timedelta(minutes=5))
    change_case_details(case, actor=agent, category="billing", at=T0 + timedelta(minutes=6))
    assert timer(case, "first_response").fulfilled_at is None
    reply_to_customer(case, agent=agent, text="Ciao!", at=T0 + timedelta(minutes=40))
    reply_to_customer(case, agent=agent, text="Ancora io.", at=T0 + timedelta(minutes=90))
    first = timer(case, "first_response")
    assert first.fulfilled_at == T0 + timedelta(minutes=40)
    assert first.elapsed_seconds == 40 * MINUTE
    fulfilled = Event.objects.filter(case=case, kind="sla.fulfilled").values_list(
        "after__target", flat=True
    )
    assert list(fulfilled) == ["first_response"]


def test_raising_the_priority_re_measures_from_the_opening(policies, customer, queue, agent):
    case = new_case(customer, queue)
    change_case_details(case, actor=agent, priority="urgent", at=T0 + timedelta(minutes=10))
    applied = Event.objects.filter(case=case, kind="sla.policy_applied").order_by("at", "id")
    assert [event.after["name"] for event in applied] == ["Standard", "Urgent"]
    assert timer(case, "first_response").due_at == T0 + timedelta(minutes=30)
    record_due_breaches(now=T0 + timedelta(minutes=31))
    breach = ServiceMeasure.objects.get(case=case, outcome="breached", target="first_response")
    assert breach.at == T0 + timedelta(minutes=30)
    assert breach.business_seconds == breach.target_seconds == 30 * MINUTE
    case.refresh_from_db()
    assert case.sla_breached
    assert "sla.breached" in kinds(case)


def test_breaches_are_recorded_once_by_the_periodic_job(policies, customer, queue):
    case = new_case(customer, queue, priority="urgent")
    assert record_due_breaches(now=T0 + timedelta(minutes=29)) == 0
    assert record_due_breaches(now=T0 + timedelta(minutes=31)) == 1
    assert record_due_breaches(now=T0 + timedelta(minutes=32)) == 0
    assert kinds(case).count("sla.breached") == 1


def test_editing_a_policy_does_not_rewrite_the_cases_measured_before(policies, customer, queue):
    before = new_case(customer, queue)
    standard = policies["standard"]
    standard.first_response_minutes = 60
    standard.save()
    measure_case(before, now=T0 + timedelta(minutes=1))
    assert timer(before, "first_response").target_seconds == 240 * MINUTE
    after = new_case(customer, queue)
    assert timer(after, "first_response").target_seconds == 60 * MINUTE
    versions = [event.after["version"] for event in Event.objects.filter(kind="sla.policy_applied")]
    assert len(set(versions)) == 2


def test_a_customers_own_expectation_overrides_the_policy(policies, customer, queue):
    Expectation.objects.create(customer=customer, first_response_minutes=15, note="VIP")
    case = new_case(customer, queue)
    first = timer(case, "first_response")
    assert first.target_seconds == 15 * MINUTE
    assert timer(case, "resolution").target_seconds == 900 * MINUTE


def test_an_organisations_expectation_applies_to_its_people(policies, customer, queue):
    company = Organisation.objects.create(name="Rossi SpA")
    Membership.objects.create(customer=customer, organisation=company, is_primary=True)
    Expectation.objects.create(organisation=company, resolution_minutes=120)
    case = new_case(customer, queue)
    assert timer(case, "resolution").target_seconds == 120 * MINUTE


def test_policies_can_be_limited_to_an_organisation(policies, customer, queue, office):
    company = Organisation.objects.create(name="Rossi SpA")
    contract = Policy.objects.create(
        name="Contract", position=1, calendar=office, first_response_minutes=10
    )
    contract.organisations.add(company)
    assert (
        Event.objects.get(case=new_case(customer, queue), kind="sla.policy_applied").after["name"]
        == "Standard"
    )
    Membership.objects.create(customer=customer, organisation=company, is_primary=True)
    assert (
        Event.objects.get(case=new_case(customer, queue), kind="sla.policy_applied").after["name"]
        == "Contract"
    )


def test_a_reopened_case_resumes_its_resolution_clock(policies, customer, queue, agent):
    case = new_case(customer, queue)
    reply_to_customer(
        case, agent=agent, text="Risolto.", then=Status.RESOLVED, at=T0 + timedelta(hours=1)
    )
    assert timer(case, "resolution").fulfilled_at == T0 + timedelta(hours=1)
    # Reopened the next morning at 10:00 in Paris: the night was not counted.
    add_customer_message(case, text="Di nuovo rotto.", channel="email", at=T0 + timedelta(hours=24))
    measure_case(case, now=T0 + timedelta(hours=25))
    resolution = timer(case, "resolution")
    assert resolution.fulfilled_at is None
    assert resolution.elapsed_seconds == 2 * 3600
    assert not ServiceMeasure.objects.filter(
        case=case, target="resolution", outcome="fulfilled"
    ).exists()
    following = timer(case, "next_response")
    assert following.due_at == utc(2026, 3, 3, 14, 30)  # four business hours from 10:00


def test_a_reply_answers_the_next_response_even_after_a_breach(policies, customer, queue, agent):
    case = new_case(customer, queue, priority="urgent")
    reply_to_customer(case, agent=agent, text="Ciao.", at=T0 + timedelta(minutes=10))
    add_customer_message(case, text="E quindi?", channel="email", at=T0 + timedelta(minutes=20))
    record_due_breaches(now=T0 + timedelta(minutes=60))
    assert timer(case, "next_response").breached_at == T0 + timedelta(minutes=50)
    reply_to_customer(case, agent=agent, text="Eccomi.", at=T0 + timedelta(minutes=70))
    add_customer_message(case, text="Grazie!", channel="email", at=T0 + timedelta(minutes=80))
    reply_to_customer(case, agent=agent, text="Prego.", at=T0 + timedelta(minutes=85))
    following = timer(case, "next_response")
    assert following.fulfilled_at == T0 + timedelta(minutes=85)
    assert following.breached_at is None
    outcomes = ServiceMeasure.objects.filter(case=case, target="next_response")
    assert sorted(outcomes.values_list("cycle", "outcome")) == [
        (1, "breached"),
        (1, "fulfilled"),
        (2, "fulfilled"),
    ]


def test_the_case_list_shows_sorts_and_filters_by_due_time(
    policies, customer, queue, manager, client
):
    relaxed = new_case(customer, queue)
    urgent = new_case(customer, queue, priority="urgent")
    record_due_breaches(now=T0 + timedelta(hours=1))
    client.force_login(manager)
    page = client.get(reverse("desk:case-list"), {"sort": "sla_due_at"}).content.decode()
    assert page.index(urgent.reference) < page.index(relaxed.reference)
    assert "Overdue by" in page
    assert "Breached" in page
    page = client.get(reverse("desk:case-list"), {"service_level": "breached"}).content.decode()
    assert urgent.reference in page
    assert relaxed.reference not in page


def test_the_case_page_shows_each_target(policies, customer, queue, agent, manager, client):
    case = new_case(customer, queue)
    reply_to_customer(case, agent=agent, text="Ciao.", at=T0 + timedelta(minutes=10))
    client.force_login(manager)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert 'id="service-levels"' in page
    assert "Standard" in page
    first = page.split('id="timer-first_response"')[1].split("</dd>")[0]
    assert "Done" in first
    resolution = page.split('id="timer-resolution"')[1].split("</dd>")[0]
    # The reply left the case pending the customer: the resolution clock is paused.
    assert "Paused, 14 h 50 min left" in resolution


def test_saving_a_policy_in_the_admin_publishes_a_new_version(policies, admin_user, client):
    standard = policies["standard"]
    client.force_login(admin_user)
    url = reverse("admin:service_levels_policy_change", args=[standard.pk])
    form = {
        "name": "Standard",
        "position": 20,
        "is_active": "on",
        "calendar": standard.calendar_id,
        "first_response_minutes": 120,
        "next_response_minutes": 240,
        "resolution_minutes": 900,
        "priorities": ["normal", "low"],
        "escalation_rules-TOTAL_FORMS": 1,
        "escalation_rules-INITIAL_FORMS": 0,
        "escalation_rules-0-target": "first_response",
        "escalation_rules-0-percent": 75,
        "escalation_rules-0-action": "notify_team_lead",
        "escalation_rules-0-is_active": "on",
    }
    assert client.post(url, form).status_code == 302
    assert standard.escalation_rules.get().percent == 75
    standard.refresh_from_db()
    assert standard.priorities == ["normal", "low"]
    version = standard.versions.get()
    assert version.definition["targets"]["first_response"] == 120
    assert version.definition["calendar"]["time_zone"] == "Europe/Paris"
    assert client.post(url, form).status_code == 302
    assert standard.versions.count() == 1
