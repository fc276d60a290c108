"""Service-level attainment reports: the arithmetic on known measures, measures made by real
desk changes, and the page with its permissions."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import assign_case, open_case, reply_to_customer
from loyaldesk.service_levels.forms import AttainmentFilterForm
from loyaldesk.service_levels.models import ServiceMeasure
from loyaldesk.service_levels.reports import (
    Attainment,
    Durations,
    MeasureFilter,
    attainment_report,
)
from loyaldesk.service_levels.services import publish_policy, record_due_breaches
from tests.conftest import T0  # Monday 2 March 2026, 09:00 UTC, 10:00 in Paris

MINUTE = 60
DAY = timedelta(days=1)
MARCH_2 = MeasureFilter(
    since=datetime(2026, 3, 2, tzinfo=UTC), until=datetime(2026, 3, 3, tzinfo=UTC)
)
REPORT_URL = "/service-levels/reports/"


def opened(customer, queue, at=T0, **details):
    return open_case(
        customer=customer,
        subject="Aspirapolvere rotto",
        text="Il mio aspirapolvere non si accende più.",
        channel=details.pop("channel", "email"),
        queue=queue,
        at=at,
        **details,
    )


@pytest.fixture
def cases(customer, queue):
    """Ten cases without a policy, so the only measures are the ones a test writes."""
    return [opened(customer, queue) for _ in range(10)]


def measure(case, outcome, business, *, target="first_response", at=T0, wall=None, **columns):
    """A measure written as the timers would, with the case's queue and channel by default."""
    values = {"queue": case.queue, "channel": case.origin_channel, "cycle": 0} | columns
    return ServiceMeasure.objects.create(
        case=case,
        target=target,
        outcome=outcome,
        at=at,
        business_seconds=business,
        wall_seconds=business if wall is None else wall,
        target_seconds=3600,
        **values,
    )


def test_median_and_p90_interpolate_linearly_between_sorted_times(cases):
    for case, minutes in zip(cases, [4, 1, 60, 2, 3], strict=False):
        measure(case, "fulfilled", minutes * MINUTE, wall=2 * minutes * MINUTE)
    times = attainment_report(MARCH_2, "policy").total.first_response
    # Sorted 1, 2, 3, 4, 60 minutes: the median is the third; p90 lies at rank 0.9 * 4 = 3.6,
    # six tenths of the way from 4 to 60 minutes.
    assert times.business == Durations(5, 3 * MINUTE, (4 + 0.6 * 56) * MINUTE)
    assert times.wall == Durations(5, 6 * MINUTE, 2 * (4 + 0.6 * 56) * MINUTE)


def test_an_even_count_has_the_mean_of_the_middle_two_as_median(cases):
    for case, minutes in zip(cases, [10, 20, 30, 40], strict=False):
        measure(case, "fulfilled", minutes * MINUTE, target="resolution")
    report = attainment_report(MARCH_2, "policy")
    assert report.total.resolution.business == Durations(4, 25 * MINUTE, 37 * MINUTE)
    assert report.total.first_response.business == Durations(0)


def test_a_target_breached_then_fulfilled_counts_once_as_missed_with_its_time(cases):
    late, on_time, still_waiting = cases[:3]
    measure(late, "breached", 60 * MINUTE, at=T0 + timedelta(hours=1))
    measure(late, "fulfilled", 90 * MINUTE, at=T0 + timedelta(hours=2))
    measure(on_time, "fulfilled", 30 * MINUTE)
    measure(still_waiting, "breached", 60 * MINUTE, at=T0 + timedelta(hours=1))
    total = attainment_report(MARCH_2, "policy").total
    assert total.attainment == Attainment(measured=3, met=1)
    assert total.attainment.missed == 2
    assert total.attainment.rate == pytest.approx(100 / 3)
    # The late answer's 90 minutes count; the open breach has no time yet.
    assert total.first_response.business == Durations(2, 60 * MINUTE, 84 * MINUTE)


def test_each_wait_for_a_next_response_is_a_target_of_its_own(cases):
    case = cases[0]
    measure(case, "fulfilled", 10 * MINUTE, target="next_response", cycle=1)
    measure(case, "breached", 30 * MINUTE, target="next_response", cycle=2)
    measure(case, "fulfilled", 45 * MINUTE, target="next_response", cycle=2)
    by_target = attainment_report(MARCH_2, "policy").total.by_target
    assert by_target["next_response"] == Attainment(measured=2, met=1)
    assert by_target["first_response"] == Attainment(measured=0, met=0)
    assert by_target["first_response"].rate is None


def test_a_target_counts_in_the_period_it_was_decided(cases):
    start, end = MARCH_2.since, MARCH_2.until
    first, last, after, carried_over, before = cases[:5]
    measure(first, "fulfilled", 1 * MINUTE, at=start)
    measure(last, "fulfilled", 2 * MINUTE, at=end - timedelta(microseconds=1))
    measure(after, "fulfilled", 3 * MINUTE, at=end)
    # Breached on 2 March, answered on 4 March: missed on the 2nd, with its time.
    measure(carried_over, "breached", 60 * MINUTE, at=end - timedelta(hours=1))
    measure(carried_over, "fulfilled", 600 * MINUTE, at=end + DAY)
    # Breached on 1 March, answered on 2 March: not a target of the 2nd.
    measure(before, "breached", 60 * MINUTE, at=start - timedelta(hours=1))
    measure(before, "fulfilled", 70 * MINUTE, at=start + timedelta(hours=1))
    total = attainment_report(MARCH_2, "policy").total
    assert total.attainment == Attainment(measured=3, met=2)
    assert total.first_response.business == Durations(3, 2 * MINUTE, 480.4 * MINUTE)
    later = MeasureFilter(since=end, until=end + 3 * DAY)
    assert attainment_report(later, "policy").total.attainment == Attainment(measured=1, met=1)


def test_grouped_by_agent_with_the_unassigned_last(cases, agent, lead):
    measure(cases[0], "fulfilled", 10 * MINUTE, agent=agent)
    measure(cases[1], "breached", 60 * MINUTE, agent=agent)
    measure(cases[2], "fulfilled", 20 * MINUTE, agent=lead)
    measure(cases[3], "fulfilled", 30 * MINUTE, agent=None)
    report = attainment_report(MARCH_2, "agent")
    rows = {row.name: row for row in report.groups}
    assert [row.name for row in report.groups] == ["Ada", "Paul", "Unassigned"]
    assert rows["Paul"].attainment == Attainment(measured=2, met=1)
    assert rows["Paul"].first_response.business == Durations(1, 10 * MINUTE, 10 * MINUTE)
    assert rows["Ada"].key == lead.pk
    assert rows["Unassigned"].key is None
    assert report.total.attainment == Attainment(measured=4, met=3)


def test_grouped_and_filtered_by_queue_and_channel(cases, repairs_queue):
    measure(cases[0], "fulfilled", 10 * MINUTE, channel="phone", queue=repairs_queue)
    measure(cases[1], "breached", 60 * MINUTE, channel="phone")
    measure(cases[2], "fulfilled", 20 * MINUTE, channel="email")
    by_queue = attainment_report(MARCH_2, "queue").groups
    assert [(row.name, row.attainment.measured) for row in by_queue] == [
        ("General", 2),
        ("Repairs", 1),
    ]
    by_channel = attainment_report(MARCH_2, "channel").groups
    assert [(row.key, row.name, row.attainment) for row in by_channel] == [
        ("email", "Email", Attainment(1, 1)),
        ("phone", "Phone", Attainment(2, 1)),
    ]
    phone = MeasureFilter(MARCH_2.since, MARCH_2.until, channel="phone")
    assert attainment_report(phone, "channel").total.attainment == Attainment(2, 1)
    general = MeasureFilter(MARCH_2.since, MARCH_2.until, queue=cases[0].queue_id)
    assert attainment_report(general, "queue").total.attainment == Attainment(2, 1)


def test_grouped_and_filtered_by_policy_across_its_versions(cases, policies):
    standard, urgent = policies["standard"], policies["urgent"]
    first = publish_policy(standard)
    standard.first_response_minutes = 60
    standard.save()
    second = publish_policy(standard)
    assert first != second
    measure(cases[0], "fulfilled", 10 * MINUTE, policy_version=first)
    measure(cases[1], "breached", 60 * MINUTE, policy_version=second)
    measure(cases[2], "fulfilled", 20 * MINUTE, policy_version=publish_policy(urgent))
    groups = attainment_report(MARCH_2, "policy").groups
    assert [(row.name, row.attainment) for row in groups] == [
        ("Standard", Attainment(2, 1)),
        ("Urgent", Attainment(1, 1)),
    ]
    only_standard = MeasureFilter(MARCH_2.since, MARCH_2.until, policy=standard.pk)
    assert attainment_report(only_standard, "agent").total.attainment == Attainment(2, 1)


def test_an_empty_period_has_no_groups_and_nothing_measured(db):
    report = attainment_report(MARCH_2, "queue")
    assert report.groups == []
    assert report.total.attainment == Attainment(0, 0)
    assert report.total.attainment.rate is None
    assert report.total.resolution.wall == Durations(0)


def test_measures_made_by_real_desk_changes(policies, customer, queue, agent):
    standard = opened(customer, queue, at=T0 + timedelta(hours=2))  # Monday 12:00 in Paris
    assign_case(standard, agent, actor=agent, at=T0 + timedelta(hours=2, minutes=5))
    # Answered and resolved at 14:30 in Paris: 30 + 30 business minutes over the lunch break.
    reply_to_customer(
        standard, agent=agent, text="Ecco.", then=Status.RESOLVED, at=T0 + timedelta(hours=4.5)
    )
    urgent = opened(customer, queue, priority="urgent")
    record_due_breaches(now=T0 + timedelta(minutes=31))
    reply_to_customer(urgent, agent=agent, text="Scusi il ritardo.", at=T0 + timedelta(minutes=50))
    assert ServiceMeasure.objects.filter(case=urgent).count() == 2  # breached, then fulfilled
    report = attainment_report(MARCH_2, "policy")
    rows = {row.name: row for row in report.groups}
    assert rows["Standard"].attainment == Attainment(measured=2, met=2)
    assert rows["Standard"].first_response.business == Durations(1, 60 * MINUTE, 60 * MINUTE)
    assert rows["Standard"].first_response.wall == Durations(1, 150 * MINUTE, 150 * MINUTE)
    assert rows["Standard"].resolution.business == Durations(1, 60 * MINUTE, 60 * MINUTE)
    assert rows["Urgent"].attainment == Attainment(measured=1, met=0)
    assert rows["Urgent"].first_response.business == Durations(1, 50 * MINUTE, 50 * MINUTE)
    assert report.total.by_target["first_response"] == Attainment(measured=2, met=1)
    assert report.total.by_target["resolution"] == Attainment(measured=1, met=1)
    by_agent = attainment_report(MARCH_2, "agent").groups
    assert [(row.name, row.attainment) for row in by_agent] == [
        ("Paul", Attainment(2, 2)),
        ("Unassigned", Attainment(1, 0)),
    ]


def test_the_form_cuts_days_at_midnight_in_the_desks_time_zone(db, settings):
    settings.TIME_ZONE = "Europe/Paris"
    form = AttainmentFilterForm(
        {"since": "2026-03-02", "until": "2026-03-03", "by": "agent"}, today=date(2026, 3, 10)
    )
    measure_filter = form.measure_filter()
    assert measure_filter.since == datetime(2026, 3, 1, 23, tzinfo=UTC)
    assert measure_filter.until == datetime(2026, 3, 3, 23, tzinfo=UTC)
    assert form.group_by == "agent"


def test_the_form_defaults_to_the_last_30_days_by_policy(db):
    form = AttainmentFilterForm(None, today=date(2026, 3, 31))
    measure_filter = form.measure_filter()
    assert measure_filter.since.date() == date(2026, 3, 2)
    assert measure_filter.until.date() == date(2026, 4, 1)
    assert form.group_by == "policy"


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(REPORT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_agents_may_not_see_the_report_nor_its_link(client, agent):
    assert login(client, agent).get(REPORT_URL).status_code == 403
    assert REPORT_URL not in client.get(reverse("desk:case-list")).content.decode()


@pytest.mark.parametrize("role", ["lead", "manager", "admin_user"])
def test_leads_managers_and_admins_see_the_report_and_its_link(client, role, request):
    user = request.getfixturevalue(role)
    page = login(client, user).get(REPORT_URL)
    assert page.status_code == 200
    assert f'href="{REPORT_URL}"' in page.content.decode()


def test_the_page_shows_attainment_and_times_per_group(client, manager, cases, agent):
    measure(cases[0], "fulfilled", 40 * MINUTE, wall=150 * MINUTE, agent=agent)
    measure(cases[1], "breached", 60 * MINUTE, agent=agent)
    page = login(client, manager).get(
        REPORT_URL, {"since": "2026-03-02", "until": "2026-03-02", "by": "agent"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    row = html.split('<th scope="row">Paul</th>')[1].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td>1</td><td>50.0 %</td>" in row
    assert "40 min" in row
    assert "2 h 30 min" in row  # the wall-clock time
    assert "No measures in this period" not in html


def test_an_empty_period_says_so(client, manager, cases):
    measure(cases[0], "fulfilled", 40 * MINUTE)
    page = login(client, manager).get(REPORT_URL, {"since": "2026-04-01", "until": "2026-04-30"})
    assert page.status_code == 200
    assert "No measures in this period" in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2026-03-10", "until": "2026-03-01"},
        {"since": "yesterday"},
        {"since": "0001-01-01"},
        {"until": "9999-12-31"},
        {"since": "2020-01-01", "until": "2026-01-01"},
        {"queue": "999"},
        {"policy": "many"},
        {"channel": "pigeon"},
        {"by": "weather"},
    ],
)
def test_invalid_input_shows_errors_not_a_crash(client, manager, query):
    page = login(client, manager).get(REPORT_URL, query)
    assert page.status_code == 200
    assert page.context["form"].errors
    assert page.context["report"] is None
    assert 'class="errorlist' in page.content.decode()


def test_only_reading_is_allowed(client, manager):
    assert login(client, manager).post(REPORT_URL).status_code == 405


def test_filters_offer_the_desks_queues_and_policies(client, manager, policies, queue):
    Queue.objects.create(name="Repairs", slug="repairs")
    html = login(client, manager).get(REPORT_URL).content.decode()
    for name in ("General", "Repairs", "Standard", "Urgent"):
        assert f">{name}</option>" in html
