"""The pure simulation: reproducible from its seed, and shaped like a real desk's traffic."""

from collections import Counter
from datetime import UTC, datetime

from loyaldesk.demo.catalogue import products
from loyaldesk.demo.parameters import DAY, HOUR, YEAR, GeneratorParameters
from loyaldesk.demo.simulation import Simulation, Step
from tests.demo.conftest import END

AGENTS = {"general": [1, 2], "orders": [3], "repairs": [4, 5], "billing": [6]}


def simulate(seed: int, customers: int = 300):
    parameters = GeneratorParameters(customers=customers, seed=seed)
    simulation = Simulation(
        parameters, start=END - 2 * YEAR, end=END, products=products(), agents_by_queue=AGENTS
    )
    lives, plans = [], []
    for index in range(customers):
        life = simulation.new_customer(index)
        plans.extend(simulation.live(life))
        lives.append(life)
    return lives, plans


def fingerprint(lives, plans):
    return (
        [
            (life.language, life.segment, life.since, life.churned_at, life.purchases)
            for life in lives
        ],
        [(plan.customer, plan.topic, plan.opened, plan.steps) for plan in plans],
    )


def test_same_seed_same_history():
    assert fingerprint(*simulate(5)) == fingerprint(*simulate(5))


def test_other_seed_other_history():
    assert fingerprint(*simulate(5)) != fingerprint(*simulate(6))


def test_steps_are_ordered_and_start_with_opening():
    _, plans = simulate(5)
    for plan in plans:
        times = [moment for moment, _ in plan.steps]
        assert times == sorted(times)
        assert plan.steps[0] == (plan.opened, Step.OPEN)
        assert plan.steps[-1][1] == Step.CLOSE


def test_contacts_follow_the_week_and_the_day():
    _, plans = simulate(5, customers=1500)
    weekdays = Counter(datetime.fromtimestamp(p.opened, UTC).weekday() for p in plans)
    hours = Counter(datetime.fromtimestamp(p.opened, UTC).hour for p in plans)
    assert weekdays[0] > 1.3 * weekdays[2]  # Monday carries the weekend's backlog
    assert weekdays[6] < 0.6 * weekdays[2]  # Sunday is quiet
    assert hours[10] > 5 * hours[3]


def test_phone_is_answered_live_and_email_waits_for_the_desk():
    _, plans = simulate(5, customers=1500)
    phone = [p.first_response_hours for p in plans if p.channel == "phone"]
    email = [p.first_response_hours for p in plans if p.channel == "email"]
    assert max(phone) < 1.0
    assert sorted(email)[len(email) // 2] > 2.0


def test_repairs_queue_is_slower_than_general():
    _, plans = simulate(5, customers=2000)

    def median(queue):
        values = sorted(
            p.first_response_hours for p in plans if p.queue == queue and p.channel == "email"
        )
        return values[len(values) // 2]

    assert median("repairs") > 1.5 * median("general")


def test_unresolved_problems_come_back():
    _, plans = simulate(5, customers=1500)
    repeats = [plan for plan in plans if plan.repeat_of is not None]
    assert repeats
    for plan in repeats:
        assert plan.repeat_of.unresolved or plan.topic == "data_loss"
        assert plan.repeat_of.customer == plan.customer
        assert plan.opened > plan.repeat_of.opened


def test_history_stays_inside_the_window():
    lives, plans = simulate(5)
    assert all(plan.opened <= END for plan in plans)
    assert all(moment <= END for life in lives for moment, _, _ in life.purchases)
    assert min(plan.opened for plan in plans) >= END - 2 * YEAR - DAY
    assert HOUR < DAY
