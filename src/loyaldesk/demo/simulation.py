"""Simulating customers' lives: purchases, contacts, service, and the loyalty that follows.

Phase one of the generator. Each customer lives on a timeline of competing random clocks
(buying, leaving, writing in); every case they open is served with a response time that depends
on its queue and the day's load, and its outcome changes how the customer buys and whether they
leave, by the effects in `LoyaltyEffects`. The result is plain data: customer rows and case plans
(the timed steps of each case). No Django import.
"""

from __future__ import annotations

import math
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime
from heapq import heappop, heappush
from itertools import accumulate, count
from random import Random

from loyaldesk.demo.catalogue import (
    AFTER_PURCHASE_TOPICS,
    CHANNEL_SHARES,
    LIVE_CHANNELS,
    MOOD_SHARES,
    SPONTANEOUS_TOPICS,
    TOPIC_PRIORITY,
    TOPIC_QUEUE,
    DemoProduct,
)
from loyaldesk.demo.parameters import DAY, HOUR, YEAR, GeneratorParameters, LoyaltyEffects


class Step:
    """What happens at one moment of a case (codes, to keep millions of plans small)."""

    OPEN = 0
    CHASER = 1
    ASSIGN = 2
    ASK = 3
    ANSWER = 4
    CUSTOMER_REPLY = 5
    NOTE = 6
    ANSWER_AND_RESOLVE = 7
    THANKS = 8
    RESOLVE = 9
    REOPEN = 10
    CLOSE = 11


OPENING_HOUR, CLOSING_HOUR = 8, 19
WORKING_DAYS = 6  # Monday to Saturday

# Relative contact volume per hour of day, by channel.
HOUR_PROFILE = {
    "email": [1, 1, 0, 0, 0, 1, 2, 4, 7, 9, 9, 8, 6, 7, 8, 8, 7, 6, 5, 5, 5, 4, 3, 2],
    "phone": [0, 0, 0, 0, 0, 0, 0, 0, 6, 10, 10, 8, 5, 7, 9, 8, 7, 5, 3, 0, 0, 0, 0, 0],
    "chat": [1, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 6, 6, 7, 7, 7, 8, 9, 10, 10, 8, 5, 2],
    "portal": [1, 1, 0, 0, 0, 0, 1, 3, 5, 6, 6, 6, 5, 5, 6, 6, 6, 6, 7, 8, 8, 6, 4, 2],
    "web_form": [1, 1, 0, 0, 0, 0, 1, 3, 5, 6, 6, 6, 5, 5, 6, 6, 6, 6, 7, 8, 8, 6, 4, 2],
    "fax": [0, 0, 0, 0, 0, 0, 0, 1, 5, 8, 8, 6, 3, 6, 7, 6, 4, 2, 0, 0, 0, 0, 0, 0],
}
HOUR_WEIGHTS = {channel: list(accumulate(w)) for channel, w in HOUR_PROFILE.items()}
# Chance (Saturday, Sunday) that a weekend contact happens then rather than piling up on Monday.
WEEKEND_KEEP = {
    "email": (0.6, 0.5),
    "chat": (0.8, 0.7),
    "portal": (0.7, 0.6),
    "web_form": (0.7, 0.6),
    "phone": (0.7, 0.0),
    "fax": (0.0, 0.0),
}
WEEKDAY_LOAD = (1.35, 1.15, 1.0, 1.0, 1.05, 0.9, 0.8)
CRUNCH_WEEK_PROBABILITY = 0.04
CRUNCH_WEEK_LOAD = 2.0


def _cumulative(shares: dict[str, float]) -> tuple[list[str], list[float]]:
    keys = list(shares)
    return keys, list(accumulate(shares[key] for key in keys))


@dataclass
class CasePlan:
    """One case as simulated: who, what, and its timed steps (some may lie past the end)."""

    customer: int
    topic: str
    mood: str
    channel: str
    queue: str
    priority: str
    product: int
    order: str
    purchased: float
    agent: int
    opened: float
    steps: list[tuple[float, int]]
    unresolved: bool
    repeat_of: CasePlan | None = None
    first_response_hours: float = 0.0
    resolution_hours: float = 0.0
    case_id: int | None = None
    number: int | None = None
    turns: list[float] | None = None
    """Set when the case is written: the moments it was opened, settled (resolved), reopened,
    settled again..., up to the end of history; it is active between a turn at an even index
    and the next one, or until the end when the list has an odd length."""


@dataclass
class CustomerLife:
    """A customer as simulated: identity, true loyalty state, and what they bought."""

    index: int
    language: str
    segment: str
    since: float
    purchase_rate: float
    churn_hazard: float
    churned_at: float | None = None
    purchases: list[tuple[float, list[int], str]] = field(default_factory=list)
    case_outcomes: list[str] = field(default_factory=list)


class Simulation:
    """Runs customers' lives one after another from a single seeded random stream."""

    def __init__(
        self,
        parameters: GeneratorParameters,
        *,
        start: float,
        end: float,
        products: tuple[DemoProduct, ...],
        agents_by_queue: dict[str, list[int]],
    ) -> None:
        self.p = parameters
        self.start, self.end = start, end
        self.products = products
        self.agents_by_queue = agents_by_queue
        self.rng = Random(parameters.seed)
        self.languages = _cumulative(parameters.population.language_shares)
        self.segments = _cumulative(parameters.population.segment_shares)
        self.channels = _cumulative(CHANNEL_SHARES)
        self.moods = _cumulative(MOOD_SHARES)
        self.after_purchase = _cumulative({k: v[0] for k, v in AFTER_PURCHASE_TOPICS.items()})
        self.spontaneous = _cumulative(SPONTANEOUS_TOPICS)
        self.day_load = self._day_loads()
        self.season_peak = max(self._purchase_season(d) for d in range(366))

    # -- the calendar -------------------------------------------------------------------

    def _day_loads(self) -> list[float]:
        """Each day's workload relative to normal: weekday, season, noise and crunch weeks."""
        rng = Random(self.p.seed + 1)
        days = int((self.end - self.start) / DAY) + 400
        crunch = [rng.random() < CRUNCH_WEEK_PROBABILITY for _ in range(days // 7 + 2)]
        loads = []
        for day in range(days):
            moment = datetime.fromtimestamp(self.start + day * DAY, UTC)
            doy = moment.timetuple().tm_yday
            season = 1.0 + 0.35 * math.exp(-(((doy - 352) / 12) ** 2))
            season += 0.2 * math.exp(-(((doy - 8) / 8) ** 2))
            season += 0.3 if 213 <= doy <= 243 else 0.0  # summer holidays thin the team
            load = WEEKDAY_LOAD[moment.weekday()] * season * rng.lognormvariate(0.0, 0.25)
            loads.append(load * (CRUNCH_WEEK_LOAD if crunch[day // 7] else 1.0))
        return loads

    def load_on(self, moment: float) -> float:
        index = int((moment - self.start) // DAY)
        return self.day_load[min(max(index, 0), len(self.day_load) - 1)]

    @staticmethod
    def _purchase_season(doy: int) -> float:
        return (
            1.0
            + 0.6 * math.exp(-(((doy - 345) / 15) ** 2))
            + 0.25 * math.exp(-(((doy - 190) / 20) ** 2))
        )

    @staticmethod
    def next_working_time(moment: float) -> float:
        """The same moment if the desk is open then, else its next opening."""
        when = datetime.fromtimestamp(moment, UTC)
        day_start = moment - (when.hour * HOUR + when.minute * 60 + when.second)
        weekday = when.weekday()
        if weekday < WORKING_DAYS and OPENING_HOUR <= when.hour < CLOSING_HOUR:
            return moment
        if weekday < WORKING_DAYS and when.hour < OPENING_HOUR:
            return day_start + OPENING_HOUR * HOUR
        days_ahead = 1
        while (weekday + days_ahead) % 7 >= WORKING_DAYS:
            days_ahead += 1
        return day_start + days_ahead * DAY + OPENING_HOUR * HOUR

    def contact_time(self, moment: float, channel: str) -> float:
        """Place a contact on the day around `moment` at an hour typical for its channel."""
        rng = self.rng
        when = datetime.fromtimestamp(moment, UTC)
        day_start = moment - (when.hour * HOUR + when.minute * 60 + when.second)
        weekday = when.weekday()
        if weekday >= 5 and rng.random() >= WEEKEND_KEEP[channel][weekday - 5]:
            day_start += (7 - weekday) * DAY
        weights = HOUR_WEIGHTS[channel]
        hour = bisect(weights, rng.random() * weights[-1])
        placed = day_start + hour * HOUR + rng.random() * HOUR
        return placed if placed >= moment else placed + DAY

    # -- customers ---------------------------------------------------------------------

    def _pick(self, table: tuple[list[str], list[float]]) -> str:
        keys, cumulative = table
        return keys[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def new_customer(self, index: int) -> CustomerLife:
        rng, population = self.rng, self.p.population
        language = self._pick(self.languages)
        segment = self._pick(self.segments)
        if rng.random() < population.existing_share:
            since = self.start - rng.expovariate(1.0 / (1.5 * YEAR))
        else:
            since = rng.uniform(self.start, self.end)
        mean_rate = population.purchases_per_year[segment] / YEAR
        shape = population.purchase_rate_shape
        return CustomerLife(
            index=index,
            language=language,
            segment=segment,
            since=since,
            purchase_rate=rng.gammavariate(shape, mean_rate / shape),
            churn_hazard=population.churn_per_year[segment] / YEAR * rng.lognormvariate(0, 0.3),
        )

    def _basket(self) -> list[int]:
        rng = self.rng
        size = 1 if rng.random() < 0.8 else 2
        return [rng.randrange(len(self.products)) for _ in range(size)]

    def live(self, customer: CustomerLife) -> list[CasePlan]:
        """Simulate one customer from their first purchase until they leave or history ends."""
        rng, population = self.rng, self.p.population
        plans: list[CasePlan] = []
        due: list[tuple[float, int, str, int, str, float, CasePlan | None]] = []
        tiebreak = count()
        self._buy(customer, customer.since, due, tiebreak, may_contact=customer.since >= self.start)
        moment = max(customer.since, self.start)
        spontaneous_rate = population.spontaneous_cases_per_year / YEAR
        while True:
            buy_at = moment + rng.expovariate(customer.purchase_rate * self.season_peak)
            leave_at = moment + rng.expovariate(customer.churn_hazard)
            write_at = moment + rng.expovariate(spontaneous_rate)
            case_at = due[0][0] if due else math.inf
            moment = min(buy_at, leave_at, write_at, case_at)
            if moment > self.end:
                break
            if moment == leave_at:
                customer.churned_at = leave_at
                break
            if moment == buy_at:
                doy = datetime.fromtimestamp(moment, UTC).timetuple().tm_yday
                if rng.random() * self.season_peak < self._purchase_season(doy):
                    self._buy(customer, moment, due, tiebreak, may_contact=True)
            elif moment == write_at:
                topic = self._pick(self.spontaneous)
                bought_at, basket, order = rng.choice(customer.purchases)
                heappush(due, (moment, next(tiebreak), topic, basket[0], order, bought_at, None))
            else:
                _, _, topic, product, order, bought, repeat_of = heappop(due)
                plan = self.serve(customer, moment, topic, product, order, bought, repeat_of)
                if plan is not None:
                    plans.append(plan)
                    self._schedule_follow_up(plan, due, next(tiebreak))
        return plans

    def _buy(self, customer: CustomerLife, moment: float, due, tiebreak, may_contact: bool) -> None:
        """Record a purchase; some purchases lead to a contact a few days or months later."""
        rng = self.rng
        basket = self._basket()
        order = f"A{customer.index:07d}-{len(customer.purchases) + 1}"
        customer.purchases.append((moment, basket, order))
        if not may_contact or rng.random() >= self.p.population.case_after_purchase_probability:
            return
        topic = self._pick(self.after_purchase)
        median_days = AFTER_PURCHASE_TOPICS[topic][1]
        when = moment + rng.lognormvariate(math.log(median_days * DAY), 0.6)
        heappush(due, (when, next(tiebreak), topic, basket[0], order, moment, None))

    def _schedule_follow_up(self, plan: CasePlan, due, tiebreak: int) -> None:
        """An unresolved problem may come back as a new case; a repair may have wiped data."""
        rng, service = self.rng, self.p.service
        last_step = plan.steps[-1][0]
        if plan.unresolved and rng.random() < service.repeat_contact_probability:
            topic = "repair" if plan.topic in ("defect", "warranty") else plan.topic
            when = last_step - service.auto_close_days * DAY + rng.expovariate(1 / (8 * DAY))
            heappush(due, (when, tiebreak, topic, plan.product, plan.order, plan.purchased, plan))
        elif plan.topic == "repair" and rng.random() < 0.12:
            when = last_step - service.auto_close_days * DAY + rng.expovariate(1 / (3 * DAY))
            heappush(
                due, (when, tiebreak, "data_loss", plan.product, plan.order, plan.purchased, plan)
            )

    # -- service -------------------------------------------------------------------------

    def _mood(self, topic: str, repeat: bool) -> str:
        if topic == "data_loss" or (repeat and self.rng.random() < 0.5):
            return "angry" if self.rng.random() < 0.7 else "insistent"
        if topic == "praise":
            return "friendly"
        return self._pick(self.moods)

    def serve(self, customer, moment, topic, product, order, bought, repeat_of) -> CasePlan | None:
        """Serve one case: response times, rounds, outcome; then apply the loyalty effects."""
        rng, service, effects = self.rng, self.p.service, self.p.loyalty
        channel = self._pick(self.channels)
        queue = TOPIC_QUEUE[topic]
        opened = self.contact_time(moment, channel)
        if opened > self.end:
            return None
        agents = self.agents_by_queue[queue]
        plan = CasePlan(
            customer=customer.index,
            topic=topic,
            mood=self._mood(topic, repeat_of is not None),
            channel=channel,
            queue=queue,
            priority=TOPIC_PRIORITY.get(topic, "high" if repeat_of else "normal"),
            product=product,
            order=order,
            purchased=bought,
            agent=agents[rng.randrange(len(agents))],
            opened=opened,
            steps=[(opened, Step.OPEN)],
            unresolved=False,
            repeat_of=repeat_of,
        )
        unresolved_p = service.unresolved_probability[queue] * (1.5 if repeat_of else 1.0)
        plan.unresolved = topic != "praise" and rng.random() < unresolved_p
        self._plan_steps(plan, channel in LIVE_CHANNELS)
        self._apply_effects(customer, plan, effects)
        return plan

    def _response_delay(self, queue: str, moment: float, factor: float = 1.0) -> float:
        service = self.p.service
        median = service.first_response_median_hours[queue] * HOUR * factor
        load = self.load_on(moment) ** service.load_sensitivity
        return self.rng.lognormvariate(math.log(median * load), service.first_response_spread)

    def _plan_steps(self, plan: CasePlan, live: bool) -> None:
        rng, steps, service = self.rng, plan.steps, self.p.service
        opened = plan.opened
        if live:
            first = opened + rng.lognormvariate(
                math.log(service.live_channel_response_minutes * 60), 0.5
            )
            first = max(first, opened + 60)
            steps.append((opened + 20, Step.ASSIGN))
        else:
            first = self.next_working_time(opened + self._response_delay(plan.queue, opened))
            assign = max(opened + 60, first - rng.uniform(120, 1800))
            steps.append((assign, Step.ASSIGN))
            if first - opened > 24 * HOUR and rng.random() < 0.6:
                steps.append((opened + (first - opened) * rng.uniform(0.4, 0.9), Step.CHASER))
        if rng.random() < 0.2:
            steps.append((max(opened + 30, first - rng.uniform(60, 600)), Step.NOTE))
        rounds = 1 if live and rng.random() < 0.8 else 1 + min(int(rng.expovariate(1.2)), 3)
        moment = first
        for _ in range(rounds - 1):
            steps.append((moment, Step.ASK))
            moment += rng.lognormvariate(math.log(8 * HOUR), 0.8)
            steps.append((moment, Step.CUSTOMER_REPLY))
            moment = self.next_working_time(moment + self._response_delay(plan.queue, moment, 0.5))
        if not plan.unresolved and rng.random() < 0.3:
            steps.append((moment, Step.ANSWER))
            moment += rng.lognormvariate(math.log(6 * HOUR), 0.7)
            steps.append((moment, Step.THANKS))
            moment = self.next_working_time(moment + rng.lognormvariate(math.log(HOUR), 0.7))
            steps.append((moment, Step.RESOLVE))
        else:
            steps.append((moment, Step.ANSWER_AND_RESOLVE))
        if plan.unresolved and rng.random() < service.reopen_probability:
            moment += rng.uniform(1, 5) * DAY
            steps.append((moment, Step.REOPEN))
            moment = self.next_working_time(moment + self._response_delay(plan.queue, moment))
            steps.append((moment, Step.ANSWER_AND_RESOLVE))
        steps.append((moment + service.auto_close_days * DAY, Step.CLOSE))
        steps.sort()
        plan.first_response_hours = (first - opened) / HOUR
        plan.resolution_hours = (moment - opened) / HOUR

    def _apply_effects(self, customer: CustomerLife, plan: CasePlan, effects) -> None:
        """The planted truth: how this case's service changes the customer's future."""
        for outcome in case_outcomes(plan, effects):
            if outcome == "slow":
                customer.churn_hazard *= effects.churn_multiplier_slow_response
                customer.purchase_rate *= effects.purchase_multiplier_slow_response
            elif outcome == "unresolved":
                customer.churn_hazard *= effects.churn_multiplier_unresolved
                customer.purchase_rate *= effects.purchase_multiplier_unresolved
            elif outcome == "repeat":
                customer.churn_hazard *= effects.churn_multiplier_repeat_contact
            else:
                customer.churn_hazard *= effects.churn_multiplier_recovered
                customer.purchase_rate *= effects.purchase_multiplier_recovered
            customer.case_outcomes.append(outcome)


def was_reopened(plan: CasePlan) -> bool:
    """Whether the problem came back within the same case."""
    return any(code == Step.REOPEN for _, code in plan.steps)


def case_outcomes(plan: CasePlan, effects: LoyaltyEffects) -> list[str]:
    """The service experiences a case gave its customer, in the order their effects apply:
    slow (first response), unresolved, repeat (contact), recovered (solved fast, first time)."""
    outcomes = []
    if plan.first_response_hours > effects.slow_first_response_hours:
        outcomes.append("slow")
    if plan.unresolved:
        outcomes.append("unresolved")
    if plan.repeat_of is not None:
        outcomes.append("repeat")
    if (
        not plan.unresolved
        and plan.resolution_hours <= effects.fast_resolution_hours
        and not was_reopened(plan)
    ):
        outcomes.append("recovered")
    return outcomes
