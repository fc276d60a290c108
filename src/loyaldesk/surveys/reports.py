"""Survey figures over the answers a manager picks: headline figures with their intervals,
trends, splits by team, agent, queue..., the bridge to the service received, and verbatims.

Each figure is one SQL count of answers per (group, score); the statistics module turns the
counts into estimates, so the database never ships answers one by one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import Team, User
from loyaldesk.customers.models import ChannelChoice, CustomerLanguage
from loyaldesk.desk.categories import category_label
from loyaldesk.desk.models import Queue
from loyaldesk.surveys import statistics, tallies
from loyaldesk.surveys.models import (
    Answer,
    Invitation,
    QuestionKind,
    RecoveryState,
    RecoveryTask,
    Survey,
)
from loyaldesk.surveys.scales import SCALES
from loyaldesk.surveys.service_received import BAND_FIELDS, CONTACT_BANDS, RESOLUTION_BANDS

SCALE_RANGES = {kind: scale.scores for kind, scale in SCALES.items()}
# The two top boxes of a scale: CSAT 4-5, expectation "better" or "much better".
TOP_BOX_FROM = {"csat": 4, "expectation": 4, "overall": 3, "ces": 6}


@dataclass(frozen=True)
class AnswerFilter:
    """Which answers a report covers: a period and any of the cuts every answer carries."""

    since: datetime
    until: datetime
    survey: int | None = None
    team: int | None = None
    queue: int | None = None
    agent: int | None = None
    channel: str = ""
    category: str = ""
    language: str = ""

    CUTS = ("survey", "team", "queue", "agent", "channel", "category", "language")

    def cut_lookups(self) -> dict[str, Any]:
        """The cuts that are set, as field lookups shared by answers and invitations."""
        lookups = {}
        for name in self.CUTS:
            value = getattr(self, name)
            if value:
                lookups[f"{name}_id" if isinstance(value, int) else name] = value
        return lookups

    def answers(self) -> QuerySet[Answer]:
        return Answer.objects.filter(
            answered_at__gte=self.since, answered_at__lt=self.until, **self.cut_lookups()
        )

    def invitations(self) -> QuerySet[Invitation]:
        return Invitation.objects.filter(
            created_at__gte=self.since, created_at__lt=self.until, **self.cut_lookups()
        )

    def previous(self) -> AnswerFilter:
        """The same cuts over the period of the same length just before."""
        length = self.until - self.since
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return AnswerFilter(**(values | {"since": self.since - length, "until": self.since}))

    def query(self, **changes: Any) -> dict[str, str]:
        """URL parameters that reproduce this filter (dates as YYYY-MM-DD), with changes."""
        params = {
            "since": self.since.date().isoformat(),
            "until": (self.until - timedelta(days=1)).date().isoformat(),
        }
        for name in self.CUTS:
            value = getattr(self, name)
            if value:
                params[name] = str(value)
        params.update({key: str(value) for key, value in changes.items() if value is not None})
        return params


def _score_rows(answer_filter: AnswerFilter, kinds: list[str], by: str | None) -> list[tuple]:
    """(group when split `by`, kind, score, answers): from the kept counts when they can tell,
    else counted over the answers."""
    rows = tallies.score_rows(answer_filter, kinds, by)
    if rows is not None:
        return rows
    columns = [by, "kind", "score"] if by else ["kind", "score"]
    return list(
        answer_filter.answers()
        .filter(kind__in=kinds, score__isnull=False)
        .order_by()
        .values_list(*columns)
        .annotate(n=Count("pk"))
    )


def score_counts(answer_filter: AnswerFilter, kind: str, by: str | None = None) -> dict:
    """Each group's count of every score of the kind's scale: {group: array}."""
    scale = SCALE_RANGES[kind]
    counts: dict = defaultdict(lambda: np.zeros(len(scale), dtype=np.int64))
    for row in _score_rows(answer_filter, [kind], by):
        group = row[0] if by else None
        counts[group][row[-2] - scale.start] += row[-1]
    return dict(counts)


def counts_by_kind(answer_filter: AnswerFilter, kinds: Iterable[str]) -> dict[str, np.ndarray]:
    """Each kind's count of every score."""
    counts = {}
    for kind, score, n in _score_rows(answer_filter, list(kinds), None):
        scale = SCALE_RANGES[kind]
        if kind not in counts:
            counts[kind] = np.zeros(len(scale), dtype=np.int64)
        counts[kind][score - scale.start] += n
    return counts


def figure(kind: str, counts: np.ndarray | None) -> statistics.Estimate:
    """The headline figure of a kind from its counts: NPS in points, else the mean score."""
    scale = SCALE_RANGES[kind]
    if counts is None:
        counts = np.zeros(len(scale), dtype=np.int64)
    if kind == QuestionKind.NPS:
        return statistics.nps_from_counts(counts).score
    return statistics.mean_from_counts(counts, scale)


def change(kind: str, now: np.ndarray | None, before: np.ndarray | None):
    """This period's figure minus the previous one's, with its test; None without both."""
    if now is None or before is None:
        return None
    if kind == QuestionKind.NPS:
        return statistics.compare_nps_counts(now, before)
    return statistics.compare_means_counts(now, before, SCALE_RANGES[kind])


@dataclass(frozen=True)
class Headline:
    """One figure of the dashboard, its change from the previous period, and how its answers
    split (NPS promoters / passives / detractors, or the top-box share)."""

    kind: str
    estimate: statistics.Estimate
    change: statistics.Comparison | None
    top_box: statistics.Estimate | None = None
    nps: statistics.NetPromoterScore | None = None


@dataclass(frozen=True)
class Overview:
    figures: list[Headline]
    response_rate: statistics.Estimate
    sent: int
    answered: int
    recovery_rate: statistics.Estimate
    recovery_open: int
    recovery_overdue: int


HEADLINE_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES, QuestionKind.EXPECTATION)


def overview(answer_filter: AnswerFilter, now: datetime) -> Overview:
    """The dashboard's headline figures."""
    current = counts_by_kind(answer_filter, HEADLINE_KINDS)
    earlier = counts_by_kind(answer_filter.previous(), HEADLINE_KINDS)
    figures = []
    for kind in HEADLINE_KINDS:
        counts, before = current.get(kind), earlier.get(kind)
        top = None
        if kind in TOP_BOX_FROM and counts is not None:
            top = statistics.top_box_from_counts(counts, SCALE_RANGES[kind], TOP_BOX_FROM[kind])
        figures.append(
            Headline(
                kind=kind,
                estimate=figure(kind, counts),
                change=change(kind, counts, before),
                top_box=top,
                nps=statistics.nps_from_counts(counts)
                if kind == QuestionKind.NPS and counts is not None
                else None,
            )
        )
    sent, answered = response_counts(answer_filter)
    recovered, closed, open_tasks, overdue = recovery_counts(answer_filter, now)
    return Overview(
        figures=figures,
        response_rate=statistics.response_rate(sent, answered),
        sent=sent,
        answered=answered,
        recovery_rate=statistics.share(recovered, closed),
        recovery_open=open_tasks,
        recovery_overdue=overdue,
    )


def response_counts(answer_filter: AnswerFilter) -> tuple[int, int]:
    """Invitations sent in the period, and how many of them got at least one answer."""
    kept = tallies.invitation_totals(answer_filter)
    if kept is not None:
        return kept
    sent = answer_filter.invitations().filter(skipped="")
    totals = sent.aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(opened_at__isnull=False))
    )
    return totals["sent"], totals["answered"]


def recovery_counts(answer_filter: AnswerFilter, now: datetime) -> tuple[int, int, int, int]:
    """Recovery tasks of the period: recovered, closed, still open, and open past their due."""
    cuts = {f"invitation__{key}": value for key, value in answer_filter.cut_lookups().items()}
    tasks = RecoveryTask.objects.filter(
        created_at__gte=answer_filter.since, created_at__lt=answer_filter.until, **cuts
    )
    unfinished = Q(state__in=(RecoveryState.OPEN, RecoveryState.CONTACTED))
    totals = tasks.aggregate(
        recovered=Count("pk", filter=Q(state=RecoveryState.RECOVERED)),
        closed=Count(
            "pk", filter=Q(state__in=(RecoveryState.RECOVERED, RecoveryState.NOT_RECOVERED))
        ),
        open=Count("pk", filter=unfinished),
        overdue=Count("pk", filter=unfinished & Q(due_at__lt=now)),
    )
    return totals["recovered"], totals["closed"], totals["open"], totals["overdue"]


@dataclass(frozen=True)
class TrendPoint:
    start: datetime
    estimate: statistics.Estimate


def trend(answer_filter: AnswerFilter, kind: str) -> list[TrendPoint]:
    """A kind's figure per week (periods up to 13 weeks) or per month, oldest first.

    One count per week or month over its range of `answered_at`, which the index reads, rather
    than a date function over every answer (on SQLite a Python call per answer)."""
    weekly = answer_filter.until - answer_filter.since <= timedelta(weeks=13)
    starts = _bucket_starts(answer_filter.since, answer_filter.until, weekly)
    kept = tallies.daily_scores(answer_filter, kind, months=not weekly)
    if kept is not None:
        return _kept_trend(kind, starts, kept)
    points = []
    for start, end in pairwise(starts):
        bucket = replace(
            answer_filter,
            since=max(start, answer_filter.since),
            until=min(end, answer_filter.until),
        )
        counts = score_counts(bucket, kind).get(None)
        if counts is not None:
            points.append(TrendPoint(start, figure(kind, counts)))
    return points


def _kept_trend(kind: str, starts: list[datetime], rows: list[tuple]) -> list[TrendPoint]:
    """The trend from counts per day or month: each count goes to the week or month it starts in."""
    scale = SCALE_RANGES[kind]
    dates = [start.date() for start in starts]
    counts: dict[int, np.ndarray] = {}
    for day, score, n in rows:
        bucket = bisect_right(dates, day) - 1
        if bucket not in counts:
            counts[bucket] = np.zeros(len(scale), dtype=np.int64)
        counts[bucket][score - scale.start] += n
    return [TrendPoint(starts[b], figure(kind, counts[b])) for b in sorted(counts)]


def _bucket_starts(since: datetime, until: datetime, weekly: bool) -> list[datetime]:
    """The starts of the weeks (Mondays) or months that the period touches, in the current time
    zone, and the start of the one after."""
    zone = timezone.get_current_timezone()
    local = since.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    first = local - timedelta(days=local.weekday()) if weekly else local.replace(day=1)
    starts = [first]
    while starts[-1] < until:
        last = starts[-1].replace(tzinfo=None)
        if weekly:
            following = last + timedelta(weeks=1)
        else:
            following = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
        starts.append(timezone.make_aware(following, zone))
    return starts


BREAKDOWNS = ("team", "agent", "queue", "channel", "category", "language", "survey")
BREAKDOWN_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES)
# What the answers without a value of the split are: surveys without a case, mostly.
NO_GROUP = {
    "team": _("No team (survey without a case)"),
    "agent": _("No agent (survey without a case, or unassigned)"),
    "queue": _("No queue (survey without a case)"),
    "channel": _("No channel (survey without a case)"),
    "category": _("No category"),
    "language": _("No language"),
    "survey": _("No survey"),
}


@dataclass(frozen=True)
class SplitRow:
    """One group of a split: its key (for links), its name, and each kind's figure."""

    key: Any
    name: str
    figures: dict[str, statistics.Estimate] = field(default_factory=dict)


def breakdown(answer_filter: AnswerFilter, by: str) -> list[SplitRow]:
    """NPS, CSAT and CES of each team, agent, queue, channel, category, language or survey."""
    per_kind = {kind: score_counts(answer_filter, kind, by=by) for kind in BREAKDOWN_KINDS}
    keys = {key for counts in per_kind.values() for key in counts}
    names = _names(by, keys)
    rows = [
        SplitRow(
            key=key,
            name=names.get(key, str(key) if key not in (None, "") else str(NO_GROUP[by])),
            figures={kind: figure(kind, per_kind[kind].get(key)) for kind in BREAKDOWN_KINDS},
        )
        for key in keys
    ]
    return sorted(rows, key=lambda row: (-_answers_behind(row), row.name))


def _answers_behind(row: SplitRow) -> int:
    return max(estimate.n for estimate in row.figures.values())


def _names(by: str, keys) -> dict:
    if by == "agent":
        return {user.pk: str(user) for user in User.objects.filter(pk__in=keys)}
    if by == "category":
        return {key: category_label(key) for key in keys if key}
    if by in ("channel", "language"):
        labels = {"channel": ChannelChoice, "language": CustomerLanguage}[by]
        return {key: str(labels(key).label) for key in keys if key in labels}
    named = {"team": Team, "queue": Queue, "survey": Survey}[by]
    return dict(named.objects.filter(pk__in=keys).values_list("pk", "name"))


# --- the bridge to loyalty: figures by the service the customer actually received ------------

BRIDGE_KINDS = (QuestionKind.NPS, QuestionKind.CSAT)


@dataclass(frozen=True)
class Bridge:
    """NPS and CSAT split one way by the service received."""

    title: str
    rows: list[SplitRow]


def bridge(answer_filter: AnswerFilter) -> list[Bridge]:
    """NPS and CSAT by the resolution time, first-contact resolution, reopening and number of
    customer messages of the service each answer judged (see service_received)."""
    splits = (
        (_("Time to resolution"), [str(label) for _limit, label in RESOLUTION_BANDS]),
        (
            _("First-contact resolution"),
            [str(_("No: more than one exchange or reopened")), str(_("Yes"))],
        ),
        (_("Reopened"), [str(_("Never reopened")), str(_("Reopened"))]),
        (_("Customer messages"), [str(label) for _limit, label in CONTACT_BANDS]),
    )
    bridges = []
    for band_field, (title, labels) in zip(BAND_FIELDS, splits, strict=True):
        counts = {kind: score_counts(answer_filter, kind, by=band_field) for kind in BRIDGE_KINDS}
        rows = [
            SplitRow(
                key=band,
                name=label,
                figures={kind: figure(kind, counts[kind].get(band)) for kind in BRIDGE_KINDS},
            )
            for band, label in enumerate(labels)
        ]
        bridges.append(Bridge(str(title), rows))
    return bridges


# --- the answers behind a figure ------------------------------------------------------------


def listed_answers(
    answer_filter: AnswerFilter,
    kind: str = "",
    low: int | None = None,
    high: int | None = None,
    scored: str = "",
) -> QuerySet[Answer]:
    """Answers of a kind within a score range, newest first; comments (free text) are filtered
    by the score their response gave to the `scored` question kind (any rating when empty), so
    "the comments of NPS detractors" is one filter."""
    answers = answer_filter.answers()
    if kind:
        answers = answers.filter(kind=kind)
    scores = {}
    if low is not None:
        scores["score__gte"] = low
    if high is not None:
        scores["score__lte"] = high
    if scores and kind == QuestionKind.TEXT:
        rated = Answer.objects.filter(score__isnull=False, **scores)
        if scored:
            rated = rated.filter(kind=scored)
        answers = answers.filter(invitation_id__in=rated.values("invitation_id"))
    elif scores:
        answers = answers.filter(**scores)
    return answers.select_related("customer", "case", "agent", "choice")


@dataclass(frozen=True)
class AnswerRow:
    """An answer as the list shows it, with its response's comment and headline score."""

    answer: Answer
    comment: str
    headline_kind: str
    headline_score: int | None


def answer_rows(answers: list[Answer]) -> list[AnswerRow]:
    """Each answer with the comment and the headline score of the same response."""
    invitations = {answer.invitation_id for answer in answers}
    comments, scores = {}, defaultdict(dict)
    for invitation, kind, score, text in Answer.objects.filter(
        invitation__in=invitations
    ).values_list("invitation_id", "kind", "score", "text"):
        if kind == QuestionKind.TEXT:
            comments[invitation] = text
        elif score is not None:
            scores[invitation][kind] = score
    rows = []
    for answer in answers:
        kind, score = _headline_score(scores[answer.invitation_id])
        comment = "" if answer.kind == QuestionKind.TEXT else comments.get(answer.invitation_id, "")
        rows.append(AnswerRow(answer, comment, kind, score))
    return rows


# --- verbatims --------------------------------------------------------------------------------


def verbatims(answers: QuerySet[Answer], limit: int = 10) -> list[AnswerRow]:
    """The latest free-text answers, each with the headline score of the same response."""
    texts = answers.filter(kind=QuestionKind.TEXT).exclude(text="")
    return answer_rows(list(texts.select_related("case", "customer", "agent")[:limit]))


def _headline_score(scores: dict[str, int]) -> tuple[str, int | None]:
    for kind in (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.EXPECTATION, QuestionKind.CES):
        if kind in scores:
            return kind, scores[kind]
    return "", None
