"""Cases loaded in bulk are measured in one pass exactly as the desk measures them one by one;
default calendars; policies limited to the case's language."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Event
from loyaldesk.desk.services import (
    add_customer_message,
    assign_case,
    change_status,
    open_case,
    reply_to_customer,
)
from loyaldesk.service_levels.defaults import install_default_calendars
from loyaldesk.service_levels.models import CaseTimer, Policy, ServiceCalendar, ServiceMeasure
from loyaldesk.service_levels.services import (
    matching_policy,
    measure_case,
    measure_cases,
)
from tests.conftest import T0

HOUR = timedelta(hours=1)
TIMER_COLUMNS = (
    "case_id", "target", "policy_version_id", "target_seconds", "due_at", "fulfilled_at",
    "breached_at", "elapsed_seconds", "paused_seconds", "running", "waiting", "wait",
)  # fmt: skip
MEASURE_COLUMNS = (
    "case_id", "target", "cycle", "outcome", "at", "wall_seconds", "business_seconds",
    "target_seconds", "policy_version_id", "queue_id", "agent_id", "channel",
)  # fmt: skip


def worked_cases(customer, queue, agent):
    """Cases with replies, waits, a breach, a pause and a reopening, over two days."""
    cases = []
    for hours, priority in ((0, "normal"), (1, "urgent"), (3, "normal")):
        case = open_case(
            customer=customer,
            subject="Il frigorifero non raffredda",
            text="Da ieri il frigorifero non raffredda più.",
            channel="email",
            queue=queue,
            priority=priority,
            at=T0 + hours * HOUR,
        )
        assign_case(case, agent, at=T0 + (hours + 1) * HOUR)
        cases.append(case)
    first, urgent, late = cases
    reply_to_customer(first, agent=agent, text="Ha provato a spegnerlo?", at=T0 + 2 * HOUR)
    add_customer_message(first, text="Sì, niente.", channel="email", at=T0 + 20 * HOUR)
    reply_to_customer(first, agent=agent, text="Mandiamo un tecnico.", at=T0 + 30 * HOUR)
    change_status(first, Status.RESOLVED, actor=agent, at=T0 + 31 * HOUR)
    add_customer_message(first, text="Il tecnico non è venuto.", channel="email", at=T0 + 40 * HOUR)
    reply_to_customer(urgent, agent=agent, text="Ci scusi il ritardo.", at=T0 + 5 * HOUR)
    return [first, urgent, late]


def snapshot():
    timers = sorted(CaseTimer.objects.values_list(*TIMER_COLUMNS))
    measures = sorted(ServiceMeasure.objects.values_list(*MEASURE_COLUMNS))
    events = sorted(
        Event.objects.filter(kind__in=["sla.fulfilled", "sla.breached"]).values_list(
            "case_id", "kind", "at", "after"
        ),
        key=repr,
    )
    due = sorted(Case.objects.values_list("pk", "sla_due_at", "sla_breached"))
    return timers, measures, events, due


def test_one_pass_over_loaded_cases_gives_what_the_desk_gave_case_by_case(
    policies, customer, queue, agent
):
    cases = worked_cases(customer, queue, agent)
    now = T0 + 48 * HOUR
    for case in cases:
        measure_case(case, now=now)
    by_desk = snapshot()
    assert by_desk[1], "the scenario produces measures"
    assert any(row[6] is not None for row in by_desk[0]), "and breaches"

    CaseTimer.objects.all().delete()
    ServiceMeasure.objects.all().delete()
    Event.objects.filter(kind__in=["sla.fulfilled", "sla.breached"]).delete()
    Case.objects.update(sla_due_at=None, sla_breached=False)
    loaded = list(Case.objects.all())
    assert measure_cases(loaded, now=now) == 3
    timers, measures, events, due = snapshot()
    assert (timers, measures, due) == (by_desk[0], by_desk[1], by_desk[3])
    # The desk also logged the resolution the customer undid by writing again: the log keeps
    # what was true then; one pass over the events sees only what stands now.
    assert set(map(repr, events)) < set(map(repr, by_desk[2]))
    assert len(events) == len(measures)


def test_default_calendars_are_installed_once_and_kept(db):
    calendars = install_default_calendars()
    assert {language: calendar.time_zone for language, calendar in calendars.items()} == {
        "fr": "Europe/Paris",
        "it": "Europe/Rome",
        "en": "Europe/London",
    }
    london = calendars["en"].definition()
    assert london["week"][0] == [[9 * 60, 17 * 60 + 30]]
    assert london["week"][5] == []
    assert london["holiday_subdivision"] == "ENG"
    assert calendars["fr"].definition()["week"][2] == [[540, 750], [840, 1080]]
    calendars["it"].openings.all().delete()
    call_command("install_service_calendars", stdout=StringIO())
    assert ServiceCalendar.objects.count() == 3
    assert not calendars["it"].openings.exists()  # a manager's change is never undone


def test_a_policy_can_serve_one_market_by_the_case_language(office, customer, queue):
    italian = Policy.objects.create(
        name="Italia", position=1, calendar=office, languages=["it"], first_response_minutes=60
    )
    Policy.objects.create(name="Others", position=2, calendar=office, first_response_minutes=240)
    case = open_case(
        customer=customer, subject="Ciao", text="Una domanda.", channel="email", queue=queue, at=T0
    )
    assert case.language == "it"
    assert matching_policy(case) == italian
    customer.preferred_language = "fr"
    customer.save()
    other = open_case(
        customer=customer, subject="Bonjour", text="Une question.", channel="email", queue=queue
    )
    assert matching_policy(other).name == "Others"
