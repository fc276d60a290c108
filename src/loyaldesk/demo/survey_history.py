"""The surveys' history as rows: invitations, answers, recovery tasks and their events.

The rows are the ones `loyaldesk.surveys.services` records, by the same rules: an invitation
after each resolution (once the survey's delay has passed, at the five-minute job's tick),
relationship rounds to samples of active customers, nothing sent without consent, during an
open case or within the quiet period; answers by a click on the rating in the email and on the
answer page; a recovery task for each unhappy answer, worked by its team lead. What customers
answer comes from `survey_answers`. Like the case history, this works on plain tuples.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from random import Random

from django.conf import settings

from loyaldesk.demo.parameters import DAY, HOUR, GeneratorParameters
from loyaldesk.demo.phrasebook import SURVEY_PHRASEBOOKS
from loyaldesk.demo.simulation import CasePlan, CustomerLife, Simulation
from loyaldesk.demo.stamps import stamp
from loyaldesk.demo.survey_answers import (
    AnswerModel,
    Experience,
    case_experience,
    history_experience,
    sentiment,
)
from loyaldesk.demo.world import World
from loyaldesk.desk.models import Event
from loyaldesk.surveys.models import (
    Answer,
    Invitation,
    QuestionKind,
    RecoveryTask,
    Survey,
    Trigger,
)
from loyaldesk.surveys.scales import SCALES
from loyaldesk.surveys.services import UNHAPPY_REASONS
from loyaldesk.surveys.standard import install_standard_surveys

InvitationAgent = Invitation.agents.through
TICK = 300.0  # invite_after_resolutions_task runs every five minutes
ROUND_MINUTE = 17  # relationship_rounds_task runs at this minute of every hour
RESPONSE_MEDIAN, RESPONSE_SIGMA = 5 * HOUR, 1.3
# How answers come in: the rating clicked in the email and nothing more, the answer page alone,
# or (the rest) the click and then the page.
RATING_ONLY, PAGE_ONLY = 0.3, 0.25
PAGE_AFTER_CLICK = (30.0, 600.0)
OPTIONAL_ANSWERED = 0.85
# When leads call back (most within the 48 hours a task is due), and close the task after.
CONTACT_MEDIAN, CONTACT_SIGMA = 24 * HOUR, 0.6
CLOSE_MEDIAN, CLOSE_SIGMA = 2 * DAY, 0.8
# Tasks closed on the first call, without a separate "contacted" step.
DIRECT_CLOSE_SHARE = 0.25
UNSCORED = (QuestionKind.TEXT, QuestionKind.CHOICE)
# Experience groups of the realised figures, the worst first: a case counts in the first it has.
GROUPS = ("unresolved", "slow", "repeat", "recovered")
TEXT = QuestionKind.TEXT.value


@dataclass(frozen=True)
class SurveySettings:
    """One survey's rules and questions, as read once from its rows."""

    id: int
    name: str
    relationship: bool
    categories: tuple[str, ...]
    delay: float
    every: float
    sample_size: int
    active_within: float
    quiet: float
    link_valid: float
    scored: tuple[tuple[int, str], ...]
    """The rating questions (id, kind) in order; the first is the one rated from the email."""
    texts: tuple[int, ...]

    @cached_property
    def quoted(self) -> str:
        """The name as a JSON string."""
        return json.dumps(self.name)


def round_moments(start: float, end: float, every: float) -> list[float]:
    """When a relationship survey installed at `start` runs its rounds until `end`."""
    first = start - start % HOUR + ROUND_MINUTE * 60
    if first < start:
        first += HOUR
    if first > end:
        return []
    return [first + k * every for k in range(int((end - first) // every) + 1)]


def install_surveys(
    parameters: GeneratorParameters, start: float, end: float
) -> list[SurveySettings]:
    """The standard surveys, as the demo company has run them since its history began."""
    began = datetime.fromtimestamp(start, UTC)
    result = []
    for survey in install_standard_surveys():
        if not survey.is_active:
            continue
        survey.created_at = min(survey.created_at, began)
        if survey.trigger == Trigger.RELATIONSHIP:
            wanted = round(parameters.customers * parameters.surveys.relationship_sample_share)
            survey.sample_size = max(survey.sample_size, wanted)
            rounds = round_moments(start, end, survey.every_days * DAY)
            # The worker carries on with the schedule where the history leaves it.
            survey.last_round_at = datetime.fromtimestamp(rounds[-1], UTC) if rounds else None
        survey.save(update_fields=["created_at", "sample_size", "last_round_at"])
        rules = _settings(survey)
        if rules.scored:  # customers answer a survey by its rating question
            result.append(rules)
    return result


def _settings(survey: Survey) -> SurveySettings:
    questions = list(survey.questions.all())
    return SurveySettings(
        id=survey.pk,
        name=survey.name,
        relationship=survey.trigger == Trigger.RELATIONSHIP,
        categories=tuple(survey.categories),
        delay=survey.delay_hours * HOUR,
        every=survey.every_days * DAY,
        sample_size=survey.sample_size,
        active_within=survey.active_within_days * DAY,
        quiet=survey.quiet_days * DAY,
        link_valid=survey.link_valid_days * DAY,
        scored=tuple((q.pk, q.kind) for q in questions if q.kind not in UNSCORED),
        texts=tuple(q.pk for q in questions if q.kind == TEXT),
    )


@dataclass(slots=True)
class Sent:
    """One sent invitation while its answers are written: the cuts every answer copies."""

    id: int
    survey: SurveySettings
    customer: int
    plan: CasePlan | None
    cuts: tuple
    moment: float
    expires: float


class SurveyHistoryWriter:
    """Appends the surveys' rows to the current batch, in the order the invitations were made."""

    def __init__(
        self,
        parameters: GeneratorParameters,
        world: World,
        surveys: list[SurveySettings],
        customers: list[tuple[str, str, str, str]],
        customer_base: int,
        ids: dict[type, Callable[[], int]],
        *,
        start: float,
        end: float,
    ) -> None:
        self.p, self.loyalty = parameters.surveys, parameters.loyalty
        self.notes = SURVEY_PHRASEBOOKS[parameters.language]["recovery_note"]
        self.world, self.customers, self.end = world, customers, end
        self.customer_base = customer_base
        self.case_surveys = [survey for survey in surveys if not survey.relationship]
        self.claimed = {category for survey in self.case_surveys for category in survey.categories}
        # Each relationship survey's rounds, and the bit of each round in a customer's activity.
        self.schedules: list[tuple[SurveySettings, list[float], int]] = []
        for survey in surveys:
            if survey.relationship:
                moments = round_moments(start, end, survey.every)
                first_bit = sum(len(moments) for _, moments, _ in self.schedules)
                self.schedules.append((survey, moments, first_bit))
        self.model = AnswerModel(self.p, Random(parameters.seed + 23))
        self.rng = self.model.rng
        self.ids = {model: ids[model] for model in (Invitation, InvitationAgent, Answer,
                                                     RecoveryTask, Event)}  # fmt: skip
        self.due = settings.RECOVERY_DUE_HOURS * HOUR
        self.consent = bytearray()
        self.left: list[float | None] = []
        self.activity: list[int] = []
        self.last_sent: dict[int, float] = {}
        self.by_customer: dict[int, list[CasePlan]] = defaultdict(list)
        self.tables: dict[type, list[tuple]] = {}
        self.stats = SurveyStats()

    def use_batch(self, tables: dict[type, list[tuple]]) -> None:
        """Append to these lists from now on (a new batch after each flush)."""
        self.tables = tables

    # -- what the rules need to know ---------------------------------------------------

    def note_customer(self, life: CustomerLife, consent: bool) -> None:
        """Remember a customer's consent, departure and buying, in the order they are made."""
        self.consent.append(consent)
        self.left.append(life.churned_at)
        bits = 0
        for moment, _, _ in life.purchases:
            bits |= self._active_in_rounds(moment)
        self.activity.append(bits)

    def _active_in_rounds(self, moment: float) -> int:
        """The rounds (as bits) for which a purchase or a case at `moment` makes one active:
        those at or after it, within the survey's activity window."""
        bits = 0
        for survey, moments, first_bit in self.schedules:
            first = bisect_left(moments, moment)
            after_window = bisect_right(moments, moment + survey.active_within)
            if after_window > first:
                bits |= ((1 << (after_window - first)) - 1) << (first_bit + first)
        return bits

    def _has_open_case(self, customer: int, moment: float) -> bool:
        for plan in self.by_customer[customer]:
            if plan.opened > moment:
                break
            # Active between an even turn and the next one: an odd count of turns so far.
            if bisect_right(plan.turns, moment) % 2:
                return True
        return False

    def _skip_reason(self, survey: SurveySettings, customer: int, moment: float) -> str:
        if not self.consent[customer]:
            return "no_consent"
        if self._has_open_case(customer, moment):
            return "open_case"
        if self.last_sent.get(customer, -math.inf) >= moment - survey.quiet:
            return "quiet_period"
        return ""

    def _surveys_for(self, category: str) -> list[SurveySettings]:
        if category in self.claimed:
            return [survey for survey in self.case_surveys if category in survey.categories]
        return [survey for survey in self.case_surveys if not survey.categories]

    def _invite_moment(self, plan: CasePlan, delay: float) -> float | None:
        """The job's first tick at which the case has been resolved for `delay`, if any yet."""
        turns = plan.turns
        for index in range(1, len(turns), 2):
            # The job compares the stored resolution time, which is to the second.
            due = math.ceil((int(turns[index]) + delay) / TICK) * TICK
            reopened = turns[index + 1] if index + 1 < len(turns) else math.inf
            if due < reopened:
                return due if due <= self.end else None
        return None

    def _experience(self, plan: CasePlan) -> Experience:
        return case_experience(plan, self.loyalty, self.p)

    def _values(self, plan: CasePlan | None, language: str) -> dict[str, str]:
        """What a comment may name: the agent and the product of the case."""
        if plan is None:
            return {}
        return {
            "agent_name": self.world.agent_first_names[plan.agent],
            "product": self.world.products[plan.product].noun(language),
        }

    def _history(self, customer: int, moment: float) -> Experience:
        """Everything the customer's cases opened before `moment` left them with."""
        cases = self.by_customer[customer]
        return history_experience(self._experience(plan) for plan in cases if plan.opened < moment)

    # -- the history -------------------------------------------------------------------

    def write(self, plans: list[CasePlan]) -> Iterator[None]:
        """Make every invitation the surveys' jobs would have made, in time order; yields after
        each resolution or round so the caller can start a new batch."""
        occasions = []
        for position, plan in enumerate(plans):
            self.by_customer[plan.customer].append(plan)
            self.activity[plan.customer] |= self._active_in_rounds(plan.opened)
            for survey in self._surveys_for(plan.topic):
                moment = self._invite_moment(plan, survey.delay)
                if moment is not None:
                    occasions.append((moment, position, survey))
        # Rounds sort before resolutions of the same second, by their bit.
        occasions += [(moment, -1 - (first_bit + index), survey)
                      for survey, moments, first_bit in self.schedules
                      for index, moment in enumerate(moments)]  # fmt: skip
        occasions.sort(key=lambda occasion: occasion[:2])
        for moment, position, survey in occasions:
            if position >= 0:
                plan = plans[position]
                self._invite(survey, plan.customer, plan, moment)
            else:
                self._run_round(survey, -1 - position, moment)
            yield

    def _run_round(self, survey: SurveySettings, index: int, moment: float) -> None:
        """A sample of the customers active then, with consent, outside their quiet period."""
        quiet_since, last_sent, consent = moment - survey.quiet, self.last_sent, self.consent
        candidates = [
            customer
            for customer, bits in enumerate(self.activity)
            if bits >> index & 1 and consent[customer]
            and last_sent.get(customer, -math.inf) < quiet_since
        ]  # fmt: skip
        chosen = self.rng.sample(candidates, min(survey.sample_size, len(candidates)))
        for customer in sorted(chosen):
            self._invite(survey, customer, None, moment)

    def _invite(
        self, survey: SurveySettings, customer: int, plan: CasePlan | None, moment: float
    ) -> None:
        """One invitation, sent or not, with its event, and its answers if the customer
        answers before the history ends."""
        invitation_id = self.ids[Invitation]()
        customer_id = self.customer_base + customer
        cuts = self._cuts(plan, self.customers[customer][3])
        case_id = cuts[0]
        if plan is not None:
            self._add(InvitationAgent, (self.ids[InvitationAgent](), invitation_id, plan.agent))
        reason = self._skip_reason(survey, customer, moment)
        after = f'{{"survey": {survey.id}, "invitation": {invitation_id}, "name": {survey.quoted}'
        self.stats.invited(reason)
        if reason:
            self._event(case_id, customer_id, None, "survey.not_sent", moment,
                        f'{after}, "reason": "{reason}"}}')  # fmt: skip
            self._add(Invitation, (invitation_id, survey.id, customer_id, *cuts, "", reason, None,
                                   stamp(moment), None, None, None))  # fmt: skip
            return
        self.last_sent[customer] = moment
        # Sent by email, as the services' invite() sends it.
        invited = f'{after}, "email": true}}'
        self._event(case_id, customer_id, None, "survey.invited", moment, invited)
        sent = Sent(invitation_id, survey, customer, plan, cuts, moment,
                    moment + survey.link_valid)  # fmt: skip
        experience = self._experience(plan) if plan else self._history(customer, moment)
        opened, completed = self._answer(sent, experience)
        token = f"{self.rng.getrandbits(256):064x}"
        self._add(Invitation, (
            invitation_id, survey.id, customer_id, *cuts, token, "", None, stamp(moment),
            stamp(sent.expires), opened and stamp(opened), completed and stamp(completed),
        ))  # fmt: skip

    def _cuts(self, plan: CasePlan | None, language: str) -> tuple:
        """case, agent, team, queue, channel, category and language, as invitations keep them."""
        if plan is None:
            return (None, None, None, None, "", "", language)
        world = self.world
        return (plan.case_id, plan.agent, world.team_ids[plan.queue], world.queue_ids[plan.queue],
                plan.channel, plan.topic, language)  # fmt: skip

    # -- answers ------------------------------------------------------------------------

    def _answer(self, sent: Sent, experience: Experience) -> tuple[float | None, float | None]:
        """The customer's answers, if any: when they first answered and when they completed."""
        model, left_at = self.model, self.left[sent.customer]
        left = left_at is not None and left_at <= sent.moment
        if not model.responds(experience, left):
            return None, None
        first = sent.moment + model.delay(RESPONSE_MEDIAN, RESPONSE_SIGMA)
        if first >= sent.expires or first > self.end:
            return None, None
        kinds = [kind for _, kind in sent.survey.scored]
        scores = model.scores(kinds, experience, left)
        path = self.rng.random()
        rated = first if path >= PAGE_ONLY else None
        completed = first if rated is None else None
        if path >= PAGE_ONLY + RATING_ONLY:
            completed = first + self.rng.uniform(*PAGE_AFTER_CLICK)
            if completed >= sent.expires or completed > self.end:
                completed = None
        final = {kinds[0]: scores[kinds[0]]}
        task_opened = False
        if rated is not None:
            task_opened = self._rated(sent, scores, rated, completed is None)
        if completed is not None:
            final = self._completed(sent, scores, experience, completed, task_opened)
        self.stats.answered(experience, final)
        return first, completed

    def _rated(self, sent: Sent, scores: dict[str, int], moment: float, only: bool) -> bool:
        """The click on a rating in the email; whether it opened a recovery task."""
        question, kind = sent.survey.scored[0]
        if only:
            self._answer_row(sent, question, kind, scores[kind], "", moment)
        after = f'{{"invitation": {sent.id}, "kind": "{kind}", "score": {scores[kind]}}}'
        self._event(sent.cuts[0], self.customer_base + sent.customer, "customer", "survey.rated",
                    moment, after)  # fmt: skip
        if SCALES[kind].is_unhappy(scores[kind]):
            self._recover(sent, UNHAPPY_REASONS[kind], moment)
            return True
        return False

    def _completed(self, sent: Sent, scores: dict[str, int], experience: Experience,
                   moment: float, task_opened: bool) -> dict[str, int]:  # fmt: skip
        """The answer page submitted: the rating again, the optional questions some answer;
        returns the scores given."""
        survey = sent.survey
        answered = [
            (question, kind) for position, (question, kind) in enumerate(survey.scored)
            if position == 0 or self.rng.random() < OPTIONAL_ANSWERED
        ]  # fmt: skip
        for question, kind in answered:
            self._answer_row(sent, question, kind, scores[kind], "", moment)
        headline = survey.scored[0][1]
        mood = sentiment(headline, scores[headline])
        language = sent.cuts[-1]
        for question in survey.texts:
            if self.model.writes_comment(mood):
                values = self._values(experience.last, language)
                text = self.model.comment(language, mood, experience, values)
                self._answer_row(sent, question, TEXT, None, text, moment)
                self.stats.counts["comments"] += 1
        given = {kind: scores[kind] for _, kind in answered}
        listed = ", ".join(f'"{kind}": {score}' for kind, score in given.items())
        after = f'{{"invitation": {sent.id}, "scores": {{{listed}}}}}'
        self._event(sent.cuts[0], self.customer_base + sent.customer, "customer",
                    "survey.completed", moment, after)  # fmt: skip
        if not task_opened:
            # As the services do: the first unhappy answer in the survey's order of questions.
            for _, kind in answered:
                if kind in UNHAPPY_REASONS and SCALES[kind].is_unhappy(scores[kind]):
                    self._recover(sent, UNHAPPY_REASONS[kind], moment)
                    break
        return given

    def _answer_row(self, sent: Sent, question: int, kind: str, score: int | None, text: str,
                    moment: float) -> None:  # fmt: skip
        case_id, agent, team, queue, channel, category, language = sent.cuts
        self._add(Answer, (
            self.ids[Answer](), sent.id, question, kind, score, None, text, stamp(moment),
            sent.survey.id, self.customer_base + sent.customer, case_id, agent, team, queue,
            channel, category, language, None, None, None, None,  # bands: fill_bands, after
        ))  # fmt: skip

    # -- closing the loop ---------------------------------------------------------------

    def _recover(self, sent: Sent, reason: str, moment: float) -> None:
        """A recovery task for the team lead, worked until the history ends."""
        task_id = self.ids[RecoveryTask]()
        plan, customer_id = sent.plan, self.customer_base + sent.customer
        # A survey without a case is followed up by the default queue's team, as the services do.
        owner = self.world.leads[plan.queue if plan is not None else "general"]
        case_id = sent.cuts[0]
        team = sent.cuts[2] if plan is not None else self.world.team_ids["general"]
        after = f'{{"task": {task_id}, "reason": "{reason}", "owner": {json.dumps(owner)}}}'
        self._event(case_id, customer_id, None, "survey.recovery_opened", moment, after)
        rng, model = self.rng, self.model
        contact = Simulation.next_working_time(moment + model.delay(CONTACT_MEDIAN, CONTACT_SIGMA))
        direct = rng.random() < DIRECT_CLOSE_SHARE
        close = contact if direct else Simulation.next_working_time(
            contact + model.delay(CLOSE_MEDIAN, CLOSE_SIGMA)
        )  # fmt: skip
        left_at = self.left[sent.customer]
        leaving = left_at is not None and left_at <= moment + self.p.leaving_days * DAY
        share = self.p.recovered_share_leaving if leaving else self.p.recovered_share
        outcome = "recovered" if rng.random() < share else "not_recovered"
        actor = owner
        steps = [(outcome, close)] if direct else [("contacted", contact), (outcome, close)]
        state, contacted, closed, notes = "open", None, None, []
        for target, at in steps:
            if at > self.end:
                break
            note = self.notes[target][int(rng.random() * len(self.notes[target]))]
            notes.append(note)
            after = f'{{"task": {task_id}, "state": "{target}", "note": {json.dumps(note)}}}'
            self._event(case_id, customer_id, actor, "survey.recovery_updated", at, after,
                        before=f'{{"state": "{state}"}}')  # fmt: skip
            # As the services record it: the first step sets when the customer was contacted.
            state, contacted = target, contacted or at
            closed = at if target == outcome else None
        self._add(RecoveryTask, (
            task_id, sent.id, customer_id, case_id, str(reason), owner, team, state,
            "\n".join(notes), stamp(moment), stamp(moment + self.due),
            contacted and stamp(contacted), closed and stamp(closed),
        ))  # fmt: skip
        self.stats.counts[f"recovery_tasks.{state}"] += 1

    # -- rows ---------------------------------------------------------------------------

    def _add(self, model: type, row: tuple) -> None:
        self.tables[model].append(row)

    def _event(self, case_id, customer_id: int, actor, kind: str, moment: float, after: str, *,
               before: str = "{}") -> None:  # fmt: skip
        """`actor` is a user id, "customer" for the customer, or None for the system; `before`
        and `after` are JSON, written by hand as the case history does, for speed."""
        if actor == "customer":
            actor, actor_kind = None, "customer"
        else:
            actor_kind = "staff" if actor else "system"
        self._add(Event, (self.ids[Event](), case_id, customer_id, actor, actor_kind, kind,
                          stamp(moment), before, after))  # fmt: skip


class SurveyStats:
    """What the survey history realised: the figures the survey analytics should find."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.csat: dict[str, list[int]] = defaultdict(list)
        self.much_worse: dict[str, list[bool]] = defaultdict(list)
        self.nps: dict[str, list[int]] = defaultdict(list)

    def invited(self, reason: str) -> None:
        self.counts["invitations"] += 1
        self.counts[f"invitations.{reason or 'sent'}"] += 1

    def answered(self, experience: Experience, scores: dict[str, int]) -> None:
        """Count one invitation's final scores, by the experience behind them."""
        self.counts["invitations.answered"] += 1
        outcomes = experience.outcomes
        group = next((name for name in GROUPS if name in outcomes), "other")
        if "csat" in scores:
            self.csat[group].append(scores["csat"])
        if "expectation" in scores:
            self.much_worse[group].append(scores["expectation"] == 1)
        if "nps" in scores:
            self.nps["all"].append(scores["nps"])
            if not experience.cases:
                self.nps["no_case"].append(scores["nps"])
            for name in ("unresolved", "slow"):
                if name in outcomes:
                    self.nps[f"any_{name}"].append(scores["nps"])
            if outcomes == {"recovered"}:
                self.nps["only_recovered"].append(scores["nps"])

    def realised(self) -> dict[str, object]:
        """Response rate, CSAT and "much worse" by experience, NPS, recovery task states."""
        sent = self.counts["invitations.sent"]
        return {
            "counts": dict(sorted(self.counts.items())),
            "response_rate": round(self.counts["invitations.answered"] / sent, 4) if sent else None,
            "csat_mean": {group: _mean(scores) for group, scores in sorted(self.csat.items())},
            "much_worse_share": {
                group: _mean(flags) for group, flags in sorted(self.much_worse.items())
            },
            "nps": {group: _nps(scores) for group, scores in sorted(self.nps.items())},
        }


def _mean(values: list) -> dict[str, object]:
    return {"answers": len(values), "mean": round(sum(values) / len(values), 3) if values else None}


def _nps(scores: list[int]) -> dict[str, object]:
    if not scores:
        return {"answers": 0, "nps": None}
    promoters = sum(score >= 9 for score in scores)
    detractors = sum(score <= 6 for score in scores)
    return {"answers": len(scores), "nps": round(100 * (promoters - detractors) / len(scores), 1)}
