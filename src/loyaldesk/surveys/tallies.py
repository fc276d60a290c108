"""Counts kept ahead of the reports: the answers of each score and the invitations sent and
answered, per day and per month in the desk's time zone, in all and per value of each cut.

The reports read them instead of the answers whenever a filter covers whole days and at most
one cut (the survey aside): ten million answers then come to a few thousand counts. They are
kept in the transaction that writes what they count; `rebuild` counts everything afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import connection, transaction
from django.db.models import Model, Sum
from django.utils import timezone

from loyaldesk.surveys.models import InvitationCount, ScoreCount, Span
from loyaldesk.surveys.service_received import BAND_FIELDS

if TYPE_CHECKING:
    from loyaldesk.surveys.reports import AnswerFilter

# The cuts a report filters by, and those it only splits by: the service the answer judged.
FILTER_CUTS = ("team", "queue", "agent", "channel", "category", "language")
CUTS = FILTER_CUTS + BAND_FIELDS
FOREIGN_KEYS = ("team", "queue", "agent")
NUMBERS = (*FOREIGN_KEYS, *BAND_FIELDS, "survey")
SCORE_KEY = ("span", "start", "survey_id", "cut", "value", "kind", "score")
INVITATION_KEY = ("span", "start", "survey_id", "cut", "value")


# --- keeping them -----------------------------------------------------------------------------


def _cut_values(source: Any, cuts: tuple[str, ...]) -> list[tuple[str, str]]:
    """The (cut, value) pairs an answer or invitation is counted under: all, then each cut."""
    pairs = [("", "")]
    for cut in cuts:
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
        for cut, value in _cut_values(answer, CUTS)
    ]
    _add(ScoreCount, SCORE_KEY, rows, {"answers": sign})


def count_invitation(invitation: Any, *, sent: int = 0, answered: int = 0) -> None:
    """Count an invitation sent, or answered (the first time it is), on the day it was sent."""
    rows = [
        (span, start, invitation.survey_id, cut, value)
        for span, start in _starts(invitation.created_at)
        for cut, value in _cut_values(invitation, FILTER_CUTS)
    ]
    _add(InvitationCount, INVITATION_KEY, rows, {"sent": sent, "answered": answered})


@transaction.atomic
def rebuild(registry: Apps = installed_apps) -> tuple[int, int]:
    """Count every answer and invitation afresh, in the database; the numbers of counts.

    Each answer is read once, into a temporary table of counts per day (in the desk's time zone)
    and every combination of cuts; each cut's daily counts are sums over it, and the months sums
    of the days."""
    scores = registry.get_model("surveys", "ScoreCount")
    invitations = registry.get_model("surveys", "InvitationCount")
    scores.objects.all().delete()
    invitations.objects.all().delete()
    answer_table = registry.get_model("surveys", "Answer")._meta.db_table
    invitation_table = registry.get_model("surveys", "Invitation")._meta.db_table
    with connection.cursor() as cursor:
        _count_days(
            cursor, "answered_at", answer_table, "score IS NOT NULL", CUTS, ["kind", "score"],
            {"answers": "COUNT(*)"}, scores._meta.db_table,
        )  # fmt: skip
        _count_days(
            cursor, "created_at", invitation_table, "skipped = ''", FILTER_CUTS, [],
            {"sent": "COUNT(*)",
             "answered": "SUM(CASE WHEN opened_at IS NULL THEN 0 ELSE 1 END)"},
            invitations._meta.db_table,
        )  # fmt: skip
    return scores.objects.count(), invitations.objects.count()


def _count_days(
    cursor, moment: str, source: str, where: str, cuts: tuple[str, ...], keys: list[str],
    amounts: dict[str, str], target: str,
) -> None:  # fmt: skip
    """Fill a count table from a source table: per day for each cut, then per month."""
    ops = connection.ops
    quote = ops.quote_name
    day, day_params = ops.datetime_cast_date_sql(
        quote(moment), (), timezone.get_default_timezone_name()
    )
    columns = ["survey_id", *(f"{c}_id" if c in FOREIGN_KEYS else c for c in cuts), *keys]
    grouped = ", ".join(str(position) for position in range(1, len(columns) + 2))
    cursor.execute(
        f"CREATE TEMPORARY TABLE days_counted AS SELECT {day} AS day, "
        f"{', '.join(quote(c) for c in columns)}, "
        f"{', '.join(f'{sql} AS {quote(name)}' for name, sql in amounts.items())} "
        f"FROM {quote(source)} WHERE {where} GROUP BY {grouped}",
        day_params,
    )
    names = ["span", "start", "survey_id", "cut", "value", *keys, *amounts]
    insert = f"INSERT INTO {quote(target)} ({', '.join(quote(n) for n in names)}) "
    sums = ", ".join(f"SUM({quote(name)})" for name in amounts)
    kept = ", ".join(quote(k) for k in keys)
    # Grouped by position: the same expression twice would be two expressions with parameters.
    by_position = ", ".join(str(p) for p in (2, 3, 5, *range(6, 6 + len(keys))))
    for cut, column in [("", None), *zip(cuts, columns[1 : len(cuts) + 1], strict=True)]:
        value = f"COALESCE(CAST({quote(column)} AS TEXT), '')" if column else "''"
        cursor.execute(
            f"{insert}SELECT %s, day, survey_id, %s, {value}, {kept + ', ' if kept else ''}"
            f"{sums} FROM days_counted GROUP BY {by_position}",
            [Span.DAY, cut],
        )
    cursor.execute("DROP TABLE days_counted")
    month, month_params = ops.date_trunc_sql("month", quote("start"), ())
    month_keys = ", ".join(quote(n) for n in ["survey_id", "cut", "value", *keys])
    cursor.execute(
        f"{insert}SELECT %s, {month}, {month_keys}, {sums} FROM {quote(target)} "
        f"WHERE span = %s GROUP BY {', '.join(str(p) for p in range(2, 6 + len(keys)))}",
        [Span.MONTH, *month_params, Span.DAY],
    )


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
    filtered = [cut for cut in FILTER_CUTS if getattr(answer_filter, cut)]
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
    if by in NUMBERS:
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
