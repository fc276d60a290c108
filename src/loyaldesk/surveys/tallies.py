"""Counts kept ahead of the reports: the answers of each score and the invitations sent and
answered, per day and per month in the desk's time zone, in all and per value of each cut.

The reports read them instead of the answers whenever a filter covers whole days and at most
one cut (the survey aside): ten million answers then come to a few thousand counts. They are
kept in the transaction that writes what they count; `rebuild` counts everything afresh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import connection, transaction
from django.db.models import Model, Sum
from django.utils import timezone

from loyaldesk.surveys.models import InvitationCount, ScoreCount, Span

if TYPE_CHECKING:
    from loyaldesk.surveys.reports import AnswerFilter

CUTS = ("team", "queue", "agent", "channel", "category", "language")
FOREIGN_KEYS = ("team", "queue", "agent")
SCORE_KEY = ("span", "start", "survey_id", "cut", "value", "kind", "score")
INVITATION_KEY = ("span", "start", "survey_id", "cut", "value")
BATCH = 5000


# --- keeping them -----------------------------------------------------------------------------


def _cut_values(source: Any) -> list[tuple[str, str]]:
    """The (cut, value) pairs an answer or invitation is counted under: all, then each cut."""
    pairs = [("", "")]
    for cut in CUTS:
        value = getattr(source, f"{cut}_id" if cut in FOREIGN_KEYS else cut)
        pairs.append((cut, "" if value is None else str(value)))
    return pairs


def _starts(moment: datetime) -> tuple[tuple[str, date], tuple[str, date]]:
    day = timezone.localtime(moment, timezone.get_default_timezone()).date()
    return (Span.DAY, day), (Span.MONTH, day.replace(day=1))


def _add(model: type[Model], key: Iterable[str], rows: list[tuple], amounts: dict) -> None:
    """Add amounts to the counts of the rows' keys, creating the counts that do not exist."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*key, *amounts]
    adapt = connection.ops.adapt_datefield_value
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET "
        + ", ".join(f"{quote(a)} = {table}.{quote(a)} + excluded.{quote(a)}" for a in amounts)
    )
    params = [(row[0], adapt(row[1]), *row[2:], *amounts.values()) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def count_answer(answer: Any, sign: int = 1) -> None:
    """Count an answer's score (sign 1), or take it back out before it changes (sign -1)."""
    if answer.score is None:
        return
    rows = [
        (span, start, answer.survey_id, cut, value, answer.kind, answer.score)
        for span, start in _starts(answer.answered_at)
        for cut, value in _cut_values(answer)
    ]
    _add(ScoreCount, SCORE_KEY, rows, {"answers": sign})


def count_invitation(invitation: Any, *, sent: int = 0, answered: int = 0) -> None:
    """Count an invitation sent, or answered (the first time it is), on the day it was sent."""
    rows = [
        (span, start, invitation.survey_id, cut, value)
        for span, start in _starts(invitation.created_at)
        for cut, value in _cut_values(invitation)
    ]
    _add(InvitationCount, INVITATION_KEY, rows, {"sent": sent, "answered": answered})


@transaction.atomic
def rebuild(registry: Apps = installed_apps) -> tuple[int, int]:
    """Count every answer and invitation afresh; the numbers of counts written."""
    answer_model = registry.get_model("surveys", "Answer")
    invitation_model = registry.get_model("surveys", "Invitation")
    score_model = registry.get_model("surveys", "ScoreCount")
    invitation_count_model = registry.get_model("surveys", "InvitationCount")
    score_model.objects.all().delete()
    invitation_count_model.objects.all().delete()
    columns = ("survey_id", *(f"{c}_id" if c in FOREIGN_KEYS else c for c in CUTS))

    answers: Counter = Counter()
    scored = answer_model.objects.filter(score__isnull=False).order_by()
    for moment, *cuts, kind, score in scored.values_list(
        "answered_at", *columns, "kind", "score"
    ).iterator(chunk_size=BATCH):
        for key in _keys(moment, cuts):
            answers[(*key, kind, score)] += 1
    score_model.objects.bulk_create(
        (
            score_model(**dict(zip(SCORE_KEY, key, strict=True)), answers=n)
            for key, n in answers.items()
        ),
        batch_size=BATCH,
    )

    invitations: dict[tuple, list[int]] = {}
    sent = invitation_model.objects.filter(skipped="").order_by()
    for moment, *cuts, opened in sent.values_list("created_at", *columns, "opened_at").iterator(
        chunk_size=BATCH
    ):
        for key in _keys(moment, cuts):
            counts = invitations.setdefault(key, [0, 0])
            counts[0] += 1
            counts[1] += opened is not None
    invitation_count_model.objects.bulk_create(
        (
            invitation_count_model(
                **dict(zip(INVITATION_KEY, key, strict=True)), sent=n, answered=answered
            )
            for key, (n, answered) in invitations.items()
        ),
        batch_size=BATCH,
    )
    return len(answers), len(invitations)


def _keys(moment: datetime, cuts: list) -> list[tuple]:
    survey, *values = cuts
    pairs = [("", "")] + [
        (cut, "" if value is None else str(value)) for cut, value in zip(CUTS, values, strict=True)
    ]
    return [(span, start, survey, *pair) for span, start in _starts(moment) for pair in pairs]


# --- reading them -----------------------------------------------------------------------------


def whole_days(since: datetime, until: datetime) -> tuple[date, date] | None:
    """The first and the end date of a period from midnight to midnight in the desk's time zone,
    or None for a period that cuts a day (the counts cannot answer it)."""
    zone = timezone.get_default_timezone()
    first, end = timezone.localtime(since, zone), timezone.localtime(until, zone)
    if first.time() != time(0) or end.time() != time(0) or first >= end:
        return None
    return first.date(), end.date()


def parts(first: date, end: date, months: bool = True) -> list[tuple[str, date, date]]:
    """The dates [first, end) as the whole months they hold and the days at either end:
    (span, first start, end) each; only days when `months` is False."""
    month = first if first.day == 1 else _next_month(first)
    last_month = end.replace(day=1)
    if not months or month >= last_month:
        return [(Span.DAY, first, end)]
    found = [(Span.MONTH, month, last_month)]
    if first < month:
        found.insert(0, (Span.DAY, first, month))
    if last_month < end:
        found.append((Span.DAY, last_month, end))
    return found


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _chosen_cut(answer_filter: AnswerFilter, by: str | None) -> tuple[str, str | None] | None:
    """The counts that answer a filter split `by` something: (cut, its value, or None for every
    value); None when no counts can (a filter on two cuts or more)."""
    filtered = [cut for cut in CUTS if getattr(answer_filter, cut)]
    if by in CUTS:
        if not filtered:
            return by, None
        return (by, str(getattr(answer_filter, by))) if filtered == [by] else None
    if len(filtered) > 1:
        return None
    if filtered:
        return filtered[0], str(getattr(answer_filter, filtered[0]))
    return "", ""


def _decoded(by: str, value: Any) -> Any:
    """A split's key as the answers table has it: an id or None, else the text."""
    if by in (*FOREIGN_KEYS, "survey"):
        return int(value) if value not in ("", None) else None
    return value


def _read(
    model: type[Model],
    answer_filter: AnswerFilter,
    by: str | None,
    columns: list[str],
    months: bool = True,
    **lookups: Any,
) -> list[tuple] | None:
    """Rows of (columns..., summed amounts) over the filter's period, or None."""
    days = whole_days(answer_filter.since, answer_filter.until)
    chosen = _chosen_cut(answer_filter, by)
    if days is None or chosen is None:
        return None
    cut, value = chosen
    counts = model.objects.filter(cut=cut, **lookups).order_by()
    if value is not None:
        counts = counts.filter(value=value)
    if answer_filter.survey:
        counts = counts.filter(survey_id=answer_filter.survey)
    group = {"survey": "survey_id"}.get(by, "value") if by else None
    names = [group] if group else []
    amounts = ["answers"] if model is ScoreCount else ["sent", "answered"]
    sums = {f"total_{amount}": Sum(amount) for amount in amounts}
    rows = []
    for span, first, end in parts(*days, months):
        within = counts.filter(span=span, start__gte=first, start__lt=end)
        if names or columns:
            rows += within.values_list(*names, *columns).annotate(**sums)
        else:
            rows.append(tuple(within.aggregate(**sums).values()))
    return [(_decoded(by, row[0]), *row[1:]) for row in rows] if group else rows


def score_rows(
    answer_filter: AnswerFilter, kinds: Iterable[str], by: str | None = None
) -> list[tuple] | None:
    """(group when split `by`, kind, score, answers) from the counts, or None."""
    rows = _read(ScoreCount, answer_filter, by, ["kind", "score"], kind__in=list(kinds))
    return None if rows is None else [row for row in rows if row[-1]]


def daily_scores(answer_filter: AnswerFilter, kind: str, months: bool) -> list[tuple] | None:
    """(day or month start, score, answers) of a kind from the counts, or None."""
    rows = _read(ScoreCount, answer_filter, None, ["start", "score"], months, kind=kind)
    return None if rows is None else [row for row in rows if row[-1]]


def invitation_totals(answer_filter: AnswerFilter) -> tuple[int, int] | None:
    """Invitations sent in the period and how many were answered, from the counts, or None."""
    rows = _read(InvitationCount, answer_filter, None, [])
    if rows is None:
        return None
    return sum(row[0] or 0 for row in rows), sum(row[1] or 0 for row in rows)
