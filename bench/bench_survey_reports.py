"""Survey reports over 10,000,000 stored answers, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/bench_survey_reports.py [--db sqlite|pg|both] [--repeats 5]
(PostgreSQL: bash bench/pg_cluster.sh start first; its database is created if missing.)

The data set lives outside the repository, under --data-root (default $LOYALDESK_BENCH_DATA, or
bench-data beside the checkout): surveys-N/sqlite/ is the SQLite data directory, and --pg-url a
database of its own (default loyaldesk_surveys on the bench cluster, never the desk's data set).
Each is migrated, then loaded once with N answers (default 10,000,000) and reused while it holds
them: 300 agents in 20 teams and queues, 200,000 customers, two surveys (after a resolution:
CSAT, NPS, CES and, one time in ten, expectation; a relationship survey of NPS, CSAT and CES),
one invitation per three or four answers as the constraint (invitation, question) allows, all
answered over the two years before 2026-11-01, and a recovery task for every unhappy one. The
rows go in with COPY (PostgreSQL) or executemany in one transaction (SQLite), around the ORM, into
the migrated tables: their indexes and foreign keys are taken off for the load and put back as
the migrations made them, then checked.

Migrating (the first run after the counts kept ahead were introduced) counts the stored answers
into them; a fresh load counts them with the same code (tallies.rebuild). Each database is
measured in its own process, what the dashboard calls through Django's ORM: reports.overview()
over the two years, the last 90 days and for one team, reports.breakdown() by agent over the two
years and the last 90 days, reports.bridge() and reports.trend() of NPS over the two years; a
warm-up, then the median of --repeats runs. The baseline, in the same process, is the obvious
implementation: every score of the kind fetched with values_list into Python, then the
statistics module's array functions (NPS, means, per agent, per month); for the bridge, the same
report counted over the answers (a period a microsecond off midnight, which no kept count
covers). Results: Markdown on stdout, JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA_ROOT = Path(os.environ.get("LOYALDESK_BENCH_DATA", REPO.parent / "bench-data"))
PG_URL = "postgres://loyaldesk:loyaldesk@127.0.0.1:55432/loyaldesk_surveys"
DATABASES = {"sqlite": "SQLite", "pg": "PostgreSQL"}
TARGET_SECONDS = 1.0
ANSWERS = 10_000_000
END = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 730
SEED = 7
DATA_VERSION = 1
MARKER = "bench_survey_reports"
MICROSECOND = timedelta(microseconds=1)

AGENTS, TEAMS = 300, 20
CUSTOMERS = 200_000
RELATIONSHIP_SHARE = 0.15  # of invitations: the scheduled survey, with no case, agent or queue
EXPECTATION_SHARE = 0.10  # of invitations: the optional fourth question after a resolution
CHANNELS = {"email": 45, "phone": 25, "chat": 12, "portal": 8, "web_form": 8, "api": 2}
CATEGORIES = {"how_to": 22, "delivery": 16, "defect": 14, "billing": 12, "return_refund": 10,
              "repair": 9, "account": 8, "warranty": 5, "data_loss": 2, "praise": 2}  # fmt: skip
LANGUAGES = {"en": 55, "fr": 30, "it": 15}
# Each scale's answers, lowest score first: the skews surveys have (CES 7 is "very easy").
KINDS = ("nps", "csat", "ces", "expectation")
SCORE_WEIGHTS = {
    "nps": (0, [2, 1, 1, 2, 2, 4, 5, 8, 14, 22, 39]),
    "csat": (1, [6, 5, 10, 30, 49]),
    "ces": (1, [4, 6, 8, 12, 15, 25, 30]),
    "expectation": (1, [4, 10, 46, 25, 15]),
}
# The questions of the two surveys, by position: kinds as indexes into KINDS.
AFTER_RESOLUTION = (1, 0, 2, 3)  # CSAT, NPS, CES, expectation
RELATIONSHIP = (0, 1, 2)  # NPS, CSAT, CES


# --- The data set -----------------------------------------------------------------------------


@dataclass
class Column:
    """One column of rows to load: integers (-1 for NULL when nullable), codes into a vocabulary,
    microseconds since the epoch (UTC), or one value for every row."""

    kind: str  # "int", "code", "time" or "const"
    values: np.ndarray | None = None
    vocabulary: tuple = ()
    constant: object = None
    nullable: bool = False

    def python(self, rows: slice, count: int) -> list:
        """The values of some rows as Python objects, for sqlite3."""
        if self.kind == "const":
            return [self.constant] * count
        part = self.values[rows]
        if self.kind == "code":
            return np.array(self.vocabulary, dtype=object)[part].tolist()
        if self.kind == "time":
            stamps = sqlite_stamps(part).tolist()
            if self.nullable:
                return [None if v < 0 else s for v, s in zip(part.tolist(), stamps, strict=True)]
            return stamps
        if self.nullable:
            return [None if value < 0 else value for value in part.tolist()]
        return part.tolist()

    def text(self, rows: slice, count: int) -> list:
        """The values of some rows in COPY's text format, for PostgreSQL."""
        if self.kind == "const":
            value = self.constant
            literal = r"\N" if value is None else {True: "t", False: "f"}.get(value, str(value))
            return [literal] * count
        part = self.values[rows]
        if self.kind == "code":
            return np.array(self.vocabulary, dtype=object)[part].tolist()
        if self.kind == "time":  # the session's time zone is UTC
            stamps = sqlite_stamps(part)
            return (np.where(part < 0, r"\N", stamps) if self.nullable else stamps).tolist()
        if self.nullable:
            return np.where(part < 0, r"\N", part.astype(str)).tolist()
        return part.astype(str).tolist()


def sqlite_stamps(micros: np.ndarray) -> np.ndarray:
    """UTC times as Django's SQLite backend writes them, 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    text = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us")
    cells = text.view(np.uint32).reshape(len(text), -1)
    cells[:, 10] = ord(" ")  # the ISO 'T' between date and time
    return text


@dataclass
class Table:
    name: str
    rows: int
    columns: dict[str, Column]


def weights(table: dict[str, int]) -> tuple[tuple[str, ...], np.ndarray]:
    values = np.array(list(table.values()), dtype=float)
    return tuple(table), values / values.sum()


def draw(total: int, seed: int, ids: dict) -> tuple[list[Table], dict]:
    """Customers, invitations, answers and recovery tasks, as columns; `ids` maps the bench's
    agents, team leads, teams, queues, surveys and questions to their database ids."""
    rng = np.random.default_rng(seed)
    invitations = round(total / (3 + EXPECTATION_SHARE))
    start = END - timedelta(days=DAYS)
    start_us = int(start.timestamp() * 1_000_000)

    # When: more answers as the desk grows (+40 % over the two years), fewer at weekends, in
    # office hours; rows in the order they were answered, as a live table fills.
    weekday = (start.weekday() + np.arange(DAYS)) % 7
    per_day = np.linspace(1.0, 1.4, DAYS) * np.where(weekday >= 5, 0.45, 1.0)
    day = rng.choice(DAYS, invitations, p=per_day / per_day.sum())
    second = np.clip(rng.normal(14 * 3600, 3.2 * 3600, invitations), 0, 86_399.999)
    answered = np.sort(start_us + day * 86_400_000_000 + (second * 1e6).astype(np.int64))
    delay = np.clip(rng.exponential(18 * 3600e6, invitations), 60e6, 13.5 * 86_400e6)
    created = answered - delay.astype(np.int64)

    relationship = rng.random(invitations) < RELATIONSHIP_SHARE
    workload = rng.lognormal(0, 0.35, AGENTS)
    agent = rng.choice(AGENTS, invitations, p=workload / workload.sum())
    team = agent * TEAMS // AGENTS
    queue = np.where(rng.random(invitations) < 0.9, team, rng.integers(0, TEAMS, invitations))
    channels, channel_p = weights(CHANNELS)
    categories, category_p = weights(CATEGORIES)
    channel = rng.choice(len(channels), invitations, p=channel_p) + 1
    category = rng.choice(len(categories), invitations, p=category_p) + 1
    for cut in (agent, team, queue):
        cut[relationship] = -1
    channel[relationship] = 0
    category[relationship] = 0
    activity = rng.lognormal(0, 1, CUSTOMERS)
    customer = rng.choice(CUSTOMERS, invitations, p=activity / activity.sum())
    languages, language_p = weights(LANGUAGES)
    customer_language = rng.choice(len(languages), CUSTOMERS, p=language_p)
    language = customer_language[customer]

    # Scores: one latent satisfaction per response (an agent's own effect, a slow improvement,
    # the customer's mood) read through each scale's skew, so that a response's answers agree.
    quality = rng.normal(0, 0.25, AGENTS)
    mood = 0.15 * (np.arange(invitations) / invitations - 0.5)
    mood += np.where(agent >= 0, quality[agent], 0.0) + 0.8 * rng.standard_normal(invitations)
    from scipy.special import ndtr

    scores = np.empty((len(KINDS), invitations), dtype=np.int16)
    for index, kind in enumerate(KINDS):
        low, shares = SCORE_WEIGHTS[kind]
        cumulative = np.cumsum(shares) / np.sum(shares)
        latent = (mood + 0.6 * rng.standard_normal(invitations)) / np.sqrt(1.0625)
        drawn = np.searchsorted(cumulative, ndtr(latent), side="right")
        scores[index] = low + np.minimum(drawn, len(shares) - 1)

    # The answers, invitation by invitation in question order: 3 each, and the expectation
    # question for as many answered-after-resolution invitations as make up the total.
    expectation = np.zeros(invitations, dtype=bool)
    extra = total - 3 * invitations
    expectation[rng.choice(np.flatnonzero(~relationship), extra, replace=False)] = True
    per_invitation = 3 + expectation
    owner = np.repeat(np.arange(invitations), per_invitation)
    first = np.cumsum(per_invitation) - per_invitation
    position = np.arange(total) - np.repeat(first, per_invitation)
    survey_of = relationship.astype(np.int64)[owner]
    kinds = np.array([AFTER_RESOLUTION, (*RELATIONSHIP, -1)])
    kind = kinds[survey_of, position]
    question_ids = np.array(ids["questions"])[survey_of, position]
    score = scores[kind, owner]

    unhappy = np.select(
        [scores[0] <= 6, scores[1] <= 2, expectation & (scores[3] == 1)], [1, 2, 3], default=0
    )
    tasks = np.flatnonzero(unhappy)
    facts = {
        "invitations": invitations,
        "answers": total,
        "answers_by_kind": {k: int(np.count_nonzero(kind == i)) for i, k in enumerate(KINDS)},
        "customers": CUSTOMERS,
        "recovery_tasks": len(tasks),
    }
    agent_ids, team_ids = np.array(ids["agents"]), np.array(ids["teams"])
    queue_ids, lead_ids = np.array(ids["queues"]), np.array(ids["leads"])

    def mapped(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
        return np.where(codes >= 0, table[np.maximum(codes, 0)], -1)

    survey_ids = np.array(ids["surveys"])[relationship.astype(np.int64)]
    cuts = {
        "agent_id": Column("int", mapped(agent, agent_ids), nullable=True),
        "team_id": Column("int", mapped(team, team_ids), nullable=True),
        "queue_id": Column("int", mapped(queue, queue_ids), nullable=True),
        "channel": Column("code", channel, ("", *channels)),
        "category": Column("code", category, ("", *categories)),
        "language": Column("code", language, languages),
    }
    customer_rows = Table("customers_customer", CUSTOMERS, {
        "id": Column("int", np.arange(1, CUSTOMERS + 1)),
        "first_name": Column("const", constant="Survey"),
        "last_name": Column("code", np.arange(CUSTOMERS) % 1000,
                            tuple(f"Respondent{n:03d}" for n in range(1000))),
        "preferred_language": Column("code", customer_language, languages),
        "segment": Column("const", constant="consumer"),
        "city": Column("const", constant=""),
        "country": Column("const", constant=""),
        "consent_service_email": Column("const", constant=True),
        "consent_surveys": Column("const", constant=True),
        "consent_marketing": Column("const", constant=False),
        "customer_since": Column("time", np.full(CUSTOMERS, start_us - 86_400_000_000 * 365)),
        "created_at": Column("time", np.full(CUSTOMERS, start_us - 86_400_000_000 * 365)),
        "merged_into_id": Column("const", constant=None),
    })  # fmt: skip
    invitation_rows = Table("surveys_invitation", invitations, {
        "id": Column("int", np.arange(1, invitations + 1)),
        "survey_id": Column("int", survey_ids),
        "customer_id": Column("int", customer + 1),
        "case_id": Column("const", constant=None),
        **cuts,
        "token_digest": Column("const", constant=""),
        "skipped": Column("const", constant=""),
        "delivery_id": Column("const", constant=None),
        "created_at": Column("time", created),
        "expires_at": Column("time", created + 14 * 86_400_000_000),
        "opened_at": Column("time", answered),
        "completed_at": Column("time", answered),
    })  # fmt: skip
    answer_cuts = {
        name: Column(c.kind, c.values[owner], c.vocabulary, nullable=c.nullable)
        for name, c in cuts.items()
    }
    answer_rows = Table("surveys_answer", total, {
        "id": Column("int", np.arange(1, total + 1)),
        "invitation_id": Column("int", owner + 1),
        "question_id": Column("int", question_ids),
        "kind": Column("code", kind, KINDS),
        "score": Column("int", score),
        "choice_id": Column("const", constant=None),
        "text": Column("const", constant=""),
        "answered_at": Column("time", answered[owner]),
        "survey_id": Column("int", survey_ids[owner]),
        "customer_id": Column("int", customer[owner] + 1),
        "case_id": Column("const", constant=None),
        **answer_cuts,
    })  # fmt: skip
    task_rows = recovery_tasks(rng, tasks, unhappy, answered, customer, team, cuts, lead_ids)
    return [customer_rows, invitation_rows, answer_rows, task_rows], facts


def recovery_tasks(rng, tasks, unhappy, answered, customer, team, cuts, lead_ids) -> Table:
    """A task for each unhappy response, owned by its team's lead; those older than two weeks
    mostly closed, a few still open."""
    count = len(tasks)
    created = answered[tasks]
    hour = 3_600_000_000
    contacted = created + (rng.uniform(2, 40, count) * hour).astype(np.int64)
    closed = contacted + (rng.uniform(1, 96, count) * hour).astype(np.int64)
    old = created < int((END - timedelta(days=14)).timestamp() * 1_000_000)
    draw_state = rng.random(count)
    # 0 open, 1 contacted, 2 recovered, 3 not recovered
    state = np.where(
        old,
        np.select([draw_state < 0.03, draw_state < 0.58], [0, 2], default=3),
        np.select([draw_state < 0.5, draw_state < 0.8, draw_state < 0.9], [0, 1, 2], default=3),
    )
    end_us = int(END.timestamp() * 1_000_000)
    state = np.where((state >= 2) & (closed >= end_us), 1, state)  # not yet closed by the end
    state = np.where((state == 1) & (contacted >= end_us), 0, state)
    contacted = np.where(state >= 1, contacted, -1)
    closed = np.where(state >= 2, closed, -1)
    team_of = team[tasks]
    return Table("surveys_recoverytask", count, {
        "id": Column("int", np.arange(1, count + 1)),
        "invitation_id": Column("int", tasks + 1),
        "customer_id": Column("int", customer[tasks] + 1),
        "case_id": Column("const", constant=None),
        "reason": Column("code", unhappy[tasks],
                         ("", "detractor", "dissatisfied", "much_worse")),
        "owner_id": Column("int", np.where(team_of >= 0, lead_ids[team_of], -1), nullable=True),
        "team_id": Column("int", cuts["team_id"].values[tasks], nullable=True),
        "state": Column("code", state, ("open", "contacted", "recovered", "not_recovered")),
        "note": Column("const", constant=""),
        "created_at": Column("time", created),
        "due_at": Column("time", created + 48 * hour),
        "contacted_at": Column("time", contacted, nullable=True),
        "closed_at": Column("time", closed, nullable=True),
    })  # fmt: skip


# --- Loading (in the measuring process, Django set up for one database) -----------------------


def log(text: str) -> None:
    """Progress, on stderr (stdout carries the result)."""
    print(text, file=sys.stderr, flush=True)


def marker() -> dict | None:
    """What the last finished load wrote, or None."""
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT facts FROM {MARKER}")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def wanted_marker(args: argparse.Namespace) -> dict:
    return {"answers": args.answers, "seed": SEED, "version": DATA_VERSION}


def ensure_data_set(args: argparse.Namespace) -> dict:
    """Migrate, then load the answers unless the database holds this data set already. A load
    writes its marker first and completes it last, so an interrupted one is started afresh."""
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = round(time.perf_counter() - began, 1)
    log(f"  migrated in {migrated:.0f} s")
    found = marker()
    if found and all(found.get(key) == value for key, value in wanted_marker(args).items()):
        analyze_counts()
        return found | {"reused": True, "migrate_seconds": migrated}
    if found is None and not database_is_empty():
        raise SystemExit(
            f"{connection.settings_dict['NAME']} holds data this benchmark did not load: "
            "give it a database of its own (--pg-url, --data-root)"
        )
    if found is not None:
        log("  the database holds another or an unfinished data set: starting afresh")
        wipe()
        call_command("migrate", verbosity=0)
    return load(args)


def database_is_empty() -> bool:
    from loyaldesk.accounts.models import User
    from loyaldesk.customers.models import Customer
    from loyaldesk.desk.models import Case
    from loyaldesk.surveys.models import Survey

    return not any(model.objects.exists() for model in (Case, Customer, Survey, User))


def write_marker(facts: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if MARKER not in connection.introspection.table_names():
            cursor.execute(f"CREATE TABLE {MARKER} (facts text NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute(f"INSERT INTO {MARKER} (facts) VALUES (%s)", [json.dumps(facts)])


def wipe() -> None:
    """Throw away a data set this benchmark loaded (its marker says so)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {MARKER}")
        return
    connection.close()
    for path in Path(settings.DATA_DIR).glob("loyaldesk.sqlite3*"):
        path.unlink()


def small_rows() -> dict:
    """Agents, team leads, teams, queues and the two surveys, through the ORM."""
    from django.contrib.auth.models import Group

    from loyaldesk.accounts.models import Team, User
    from loyaldesk.desk.models import Queue
    from loyaldesk.surveys.models import Question, Survey, Trigger

    def user(name: str, first: str, last: str) -> User:
        return User(username=name, first_name=first, last_name=last, password="!")

    agents = User.objects.bulk_create(
        [user(f"agent{n:03d}", "Agent", f"{n:03d}") for n in range(1, AGENTS + 1)]
    )
    leads = User.objects.bulk_create(
        [user(f"lead{n:02d}", "Lead", f"{n:02d}") for n in range(1, TEAMS + 1)]
    )
    User.objects.create_user("manager", password=None, first_name="Survey", last_name="Manager")
    Group.objects.get_or_create(name="agent")[0].user_set.add(*agents)
    Group.objects.get_or_create(name="team_lead")[0].user_set.add(*leads)
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n:02d}", lead=lead) for n, lead in enumerate(leads, 1)]
    )
    for index, team in enumerate(teams):
        team.members.add(
            *agents[index * AGENTS // TEAMS : (index + 1) * AGENTS // TEAMS], leads[index]
        )
    queues = Queue.objects.bulk_create(
        [Queue(name=f"Queue {n:02d}", slug=f"queue-{n:02d}", team=team, is_default=n == 1)
         for n, team in enumerate(teams, 1)]
    )  # fmt: skip
    after = Survey.objects.create(name="After a resolution", trigger=Trigger.CASE_RESOLVED)
    scheduled = Survey.objects.create(name="Every quarter", trigger=Trigger.RELATIONSHIP)
    questions = []
    for survey, kinds in ((after, AFTER_RESOLUTION), (scheduled, RELATIONSHIP)):
        made = Question.objects.bulk_create(
            [Question(survey=survey, position=p, kind=KINDS[k]) for p, k in enumerate(kinds)]
        )
        questions.append([q.pk for q in made] + [0] * (4 - len(made)))
    return {
        "agents": [u.pk for u in agents],
        "leads": [u.pk for u in leads],
        "teams": [t.pk for t in teams],
        "queues": [q.pk for q in queues],
        "surveys": [after.pk, scheduled.pk],
        "questions": questions,
    }


CHUNK = 1_000_000


def chunks(table: Table) -> Iterable[tuple[slice, int]]:
    for begin in range(0, table.rows, CHUNK):
        end = min(begin + CHUNK, table.rows)
        yield slice(begin, end), end - begin


def load(args: argparse.Namespace) -> dict:
    """Make the data set: the small rows through the ORM, the big tables around it."""
    from django.db import connection, transaction

    began = time.perf_counter()
    write_marker({"state": "loading"})
    with transaction.atomic():
        ids = small_rows()
    log(f"  drawing {args.answers:,} answers")
    tables, facts = draw(args.answers, SEED, ids)
    log(f"  drawn in {time.perf_counter() - began:.0f} s: {facts}")
    if connection.vendor == "postgresql":
        load_postgresql(tables)
    else:
        load_sqlite(tables)
    reset_sequences()
    counting = time.perf_counter()
    from loyaldesk.surveys import tallies

    tallies.rebuild()
    analyze_counts()
    facts["recount_seconds"] = round(time.perf_counter() - counting, 1)
    log(f"  counted in {facts['recount_seconds']:.0f} s")
    facts |= wanted_marker(args) | {
        "load_seconds": round(time.perf_counter() - began, 1),
        "loaded_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    write_marker(facts)
    log(f"  loaded in {facts['load_seconds']:.0f} s")
    return facts | {"reused": False}


def analyze_counts() -> None:
    """Statistics for the kept counts, as autovacuum gathers them after a while (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_scorecount, surveys_invitationcount")


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from loyaldesk.customers.models import Customer
    from loyaldesk.surveys.models import Answer, Invitation, RecoveryTask

    models = [Customer, Invitation, Answer, RecoveryTask]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def load_sqlite(tables: list[Table]) -> None:
    """executemany in one transaction, the tables' indexes dropped first and built again after
    as the migrations wrote them, the foreign keys checked once at the end."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA cache_size = -1000000")
    raw.execute("BEGIN")
    indexes = []
    for table in tables:
        found = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            [table.name],
        ).fetchall()
        for name, _sql in found:
            raw.execute(f'DROP INDEX "{name}"')
        indexes += found
    for table in tables:
        began = time.perf_counter()
        names = list(table.columns)
        sql = (f'INSERT INTO "{table.name}" ({", ".join(names)}) '
               f'VALUES ({", ".join("?" * len(names))})')  # fmt: skip
        for rows, count in chunks(table):
            values = [table.columns[name].python(rows, count) for name in names]
            raw.executemany(sql, zip(*values, strict=True))
        log(f"  {table.name}: {table.rows:,} rows in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    for _name, sql in indexes:
        raw.execute(sql)
    log(f"  {len(indexes)} indexes built again in {time.perf_counter() - began:.0f} s")
    for table in tables:
        broken = raw.execute(f'PRAGMA foreign_key_check("{table.name}")').fetchall()
        if broken:
            raise SystemExit(f"foreign keys broken in {table.name}: {broken[:5]}")
    raw.execute("COMMIT")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA foreign_keys = ON")
    connection.close()  # the next connection has the settings' pragmas again


def load_postgresql(tables: list[Table]) -> None:
    """COPY in one transaction, the tables' foreign keys, unique constraints and indexes dropped
    first and added back after as the migrations wrote them (which checks them), then VACUUM
    ANALYZE, as autovacuum would do after a while."""
    from django.db import connection, transaction

    names = [table.name for table in tables]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
            [names],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [names],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table in tables:
            began = time.perf_counter()
            columns = list(table.columns)
            copy_sql = f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN'
            with cursor.cursor.copy(copy_sql) as copy:
                for rows, count in chunks(table):
                    values = [table.columns[name].text(rows, count) for name in columns]
                    lines = "\n".join(map("\t".join, zip(*values, strict=True)))
                    copy.write(lines.encode() + b"\n")
            log(f"  {table.name}: {table.rows:,} rows in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        log(f"  {len(indexes)} indexes and {len(constraints)} constraints added back in "
            f"{time.perf_counter() - began:.0f} s")  # fmt: skip
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'VACUUM ANALYZE "{name}"')
    log(f"  VACUUM ANALYZE in {time.perf_counter() - began:.0f} s")


# --- Measuring --------------------------------------------------------------------------------


def filters() -> dict:
    from loyaldesk.surveys.reports import AnswerFilter

    return {
        "2y": AnswerFilter(since=END - timedelta(days=DAYS), until=END),
        "90d": AnswerFilter(since=END - timedelta(days=90), until=END),
        "team_2y": AnswerFilter(since=END - timedelta(days=DAYS), until=END, team=first_team()),
    }


def first_team() -> int:
    from loyaldesk.accounts.models import Team

    return Team.objects.order_by("pk").values_list("pk", flat=True)[0]


def scenarios() -> dict[str, tuple[str, Callable[[], object], Callable[[], object]]]:
    """key: (label, what the app does, the baseline)."""
    from loyaldesk.surveys import reports

    period = filters()
    return {
        "overview_2y": (
            "reports.overview(), 2 years (every answer)",
            lambda: reports.overview(period["2y"], END),
            lambda: plain_overview(period["2y"]),
        ),
        "overview_90d": (
            "reports.overview(), last 90 days",
            lambda: reports.overview(period["90d"], END),
            lambda: plain_overview(period["90d"]),
        ),
        "overview_team_2y": (
            "reports.overview(), one team of 20, 2 years",
            lambda: reports.overview(period["team_2y"], END),
            lambda: plain_overview(period["team_2y"]),
        ),
        "breakdown_agent_2y": (
            'reports.breakdown(filter, "agent"), 2 years',
            lambda: reports.breakdown(period["2y"], "agent"),
            lambda: plain_breakdown(period["2y"]),
        ),
        "breakdown_agent_90d": (
            'reports.breakdown(filter, "agent"), last 90 days',
            lambda: reports.breakdown(period["90d"], "agent"),
            lambda: plain_breakdown(period["90d"]),
        ),
        "bridge_2y": (
            "reports.bridge(), 2 years",
            lambda: reports.bridge(period["2y"]),
            lambda: reports.bridge(replace(period["2y"], since=period["2y"].since + MICROSECOND)),
        ),
        "trend_nps_2y": (
            'reports.trend(filter, "nps"), 2 years (monthly)',
            lambda: reports.trend(period["2y"], "nps"),
            lambda: plain_trend(period["2y"], "nps"),
        ),
    }


def fetched_scores(answers, kind: str, *columns: str) -> list:
    """Every answer of a kind, as the obvious code reads them (no ordering, to be fair)."""
    rows = answers.filter(kind=kind, score__isnull=False).order_by()
    if not columns:
        return list(rows.values_list("score", flat=True))
    return list(rows.values_list(*columns, "score"))


def plain_overview(answer_filter) -> dict:
    """The overview's headline figures from every score fetched into Python."""
    from loyaldesk.surveys import reports
    from loyaldesk.surveys import statistics as stats

    result = {}
    for kind in reports.HEADLINE_KINDS:
        now = np.array(fetched_scores(answer_filter.answers(), kind), dtype=np.int64)
        before = np.array(fetched_scores(answer_filter.previous().answers(), kind), dtype=np.int64)
        if kind == "nps":
            result[kind] = (stats.nps(now).score, stats.compare_nps(now, before))
        else:
            top = stats.top_box(now, reports.TOP_BOX_FROM[kind]) if now.size else None
            result[kind] = (stats.mean(now), stats.compare_means(now, before), top)
    result["response"] = reports.response_counts(answer_filter)
    result["recovery"] = reports.recovery_counts(answer_filter, END)
    return result


def plain_breakdown(answer_filter) -> dict:
    """NPS, CSAT and CES of each agent from every (agent, score) fetched into Python."""
    from loyaldesk.surveys import reports
    from loyaldesk.surveys import statistics as stats

    result = {}
    for kind in reports.BREAKDOWN_KINDS:
        rows = fetched_scores(answer_filter.answers(), kind, "agent")
        agents = np.fromiter((a or 0 for a, _ in rows), dtype=np.int64, count=len(rows))
        scores = np.fromiter((s for _, s in rows), dtype=np.int64, count=len(rows))
        if kind == "nps":
            result[kind] = {a: f.score for a, f in stats.nps_by_group(agents, scores).items()}
        else:
            result[kind] = stats.means_by_group(agents, scores, reports.SCALE_RANGES[kind])
    return result


def plain_trend(answer_filter, kind: str) -> dict:
    """A kind's figure per month from every (answered_at, score) fetched into Python."""
    from loyaldesk.surveys import statistics as stats

    rows = fetched_scores(answer_filter.answers(), kind, "answered_at")
    months = np.fromiter((d.year * 12 + d.month - 1 for d, _ in rows), np.int64, len(rows))
    scores = np.fromiter((s for _, s in rows), dtype=np.int64, count=len(rows))
    first = int(months.min())
    by_month = stats.nps_by_group(months - first, scores)
    return {first + code: figure.score for code, figure in by_month.items()}


def check_agreement(key: str, ours, plain) -> None:
    """The app's figures and the baseline's must be the same."""

    def close(a: float, b: float) -> bool:
        return (a != a and b != b) or abs(a - b) < 1e-9 * max(1.0, abs(a))

    if key.startswith("overview"):
        for headline in ours.figures:
            assert close(headline.estimate.value, plain[headline.kind][0].value), headline.kind
            assert headline.estimate.n == plain[headline.kind][0].n, headline.kind
    elif key.startswith("bridge"):
        assert ours == plain
    elif key.startswith("breakdown"):
        for row in ours:
            for kind, estimate in row.figures.items():
                other = plain[kind].get(row.key or 0)
                assert other is not None, (row.key, kind)
                assert close(estimate.value, other.value), (row.key, kind)
    else:
        values = [point.estimate.value for point in ours]
        assert len(values) == len(plain), (len(values), len(plain))
        for value, month in zip(values, sorted(plain), strict=True):
            assert close(value, plain[month].value), month


def timed(work: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def query_profile(work: Callable[[], object]) -> dict:
    """The queries of one (untimed) call: how many, their time, the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        work()
    queries = sorted(captured, key=lambda query: float(query["time"]), reverse=True)
    return {
        "count": len(queries),
        "sql_seconds": round(sum(float(query["time"]) for query in queries), 3),
        "slowest": [
            {"seconds": float(query["time"]), "sql": query["sql"][:600]} for query in queries[:2]
        ],
    }


def plans() -> dict:
    """How the database reads the NPS counts of the two years from the answers (what filters
    with two cuts or more still do), and the monthly counts per agent the agent split reads."""
    from django.db import connection
    from django.db.models import Count, Sum

    from loyaldesk.surveys.models import ScoreCount, Span

    answers = filters()["2y"].answers().filter(kind="nps", score__isnull=False).order_by()
    counts = answers.values_list("score").annotate(n=Count("pk"))
    kept = (
        ScoreCount.objects.filter(cut="agent", span=Span.MONTH, kind="nps")
        .order_by()
        .values_list("value", "score")
        .annotate(n=Sum("answers"))
    )
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    return {"answers": counts.explain(**options), "kept_per_agent": kept.explain(**options)}


def database_facts() -> dict:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
                "current_setting('max_parallel_workers_per_gather'), "
                "pg_database_size(current_database()), pg_total_relation_size('surveys_answer')"
            )
            version, buffers, workers, size, answers = cursor.fetchone()
            return {"vendor": "postgresql", "version": version, "shared_buffers": buffers,
                    "parallel_workers_per_gather": workers, "database_bytes": size,
                    "answers_table_bytes": answers}  # fmt: skip
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    files = Path(settings.DATA_DIR).glob("loyaldesk.sqlite3*")
    return {"vendor": "sqlite", "version": version,
            "database_bytes": sum(path.stat().st_size for path in files)}  # fmt: skip


def prewarm() -> float | None:
    """Load the survey tables into PostgreSQL's shared buffers, as on a server that has been up
    a while; the GiB loaded, or None without the pg_prewarm extension."""
    from django.db import connection

    tables = ["surveys_answer", "surveys_invitation", "surveys_recoverytask"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'")
        if cursor.fetchone() is None:
            return None
        cursor.execute(
            "SELECT sum(pg_prewarm(relation)) * current_setting('block_size')::bigint "
            "FROM (SELECT oid AS relation FROM pg_class WHERE relname = ANY(%s) UNION ALL "
            "SELECT indexrelid FROM pg_index JOIN pg_class ON pg_class.oid = indrelid "
            "WHERE relname = ANY(%s)) AS relations",
            [tables, tables],
        )
        return round(float(cursor.fetchone()[0] or 0) / 2**30, 1)


def measure_here(args: argparse.Namespace) -> dict:
    """Load or reuse the data set, then time every scenario and its baseline."""
    import django

    django.setup()
    from django.db import connection

    result = {"data_set": ensure_data_set(args)}
    result["database"] = database_facts()
    if connection.vendor == "postgresql" and not args.cold:
        result["prewarmed_gib"] = prewarm()
    result["load_before"] = os.getloadavg()
    wanted = args.only.split(",") if args.only else None
    result["scenarios"] = {}
    for key, (label, work, plain) in scenarios().items():
        if wanted and key not in wanted:
            continue
        log(f"  {label}")
        timed(work)  # warm-up
        runs, ours = [], None
        for _ in range(args.repeats):
            seconds, ours = timed(work)
            runs.append(seconds)
        row = {"label": label, "runs": [round(s, 4) for s in runs],
               "median": round(statistics.median(runs), 4)}  # fmt: skip
        row["profile"] = query_profile(work)
        if args.baseline_reps:
            baseline_runs = []
            for _ in range(args.baseline_reps):
                seconds, theirs = timed(plain)
                baseline_runs.append(seconds)
            check_agreement(key, ours, theirs)
            row["baseline_runs"] = [round(s, 3) for s in baseline_runs]
            row["baseline"] = round(statistics.median(baseline_runs), 3)
            row["ratio"] = round(row["baseline"] / row["median"], 1)
        log(f"    median {row['median']:.3f} s, baseline {row.get('baseline', '-')} s")
        result["scenarios"][key] = row
    result["plans"] = plans()
    result["load_after"] = os.getloadavg()
    return result


# --- In the parent process --------------------------------------------------------------------


def data_dir(args: argparse.Namespace, database: str) -> Path:
    return args.data_root / f"surveys-{args.answers}" / ("sqlite" if database == "sqlite" else "pg")


def environment_for(database: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment that points loyaldesk at one of the databases."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="loyaldesk.settings", LOYALDESK_HTTPS="0",
               LOYALDESK_LOG_LEVEL="WARNING", LOYALDESK_TIME_ZONE="UTC")  # fmt: skip
    env.pop("LOYALDESK_DEBUG", None)
    env["LOYALDESK_DATA_DIR"] = str(data_dir(args, database))
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = args.pg_url
    return env


def ensure_pg_database(url: str) -> None:
    """Create the benchmark's database on the cluster if it is missing, with pg_prewarm."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    superuser = urlunsplit(parts._replace(netloc=f"postgres@{parts.hostname}:{parts.port}"))
    try:  # the extension needs a superuser: the bench cluster trusts postgres on loopback
        with psycopg.connect(superuser, autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    except psycopg.Error as error:
        log(f"no pg_prewarm ({error}); measuring without it")


def read_into_page_cache(paths: Iterable[Path]) -> float:
    """Read files once so the system keeps them in memory, as on a server that has been up a
    while; the GiB read."""
    total = 0
    for path in paths:
        with path.open("rb") as stream:
            while block := stream.read(1 << 24):
                total += len(block)
    return total / 2**30


def measure(database: str, args: argparse.Namespace) -> dict:
    """One database, in its own process."""
    log(f"=== {DATABASES[database]}")
    began = time.perf_counter()
    if database == "pg":
        try:
            ensure_pg_database(args.pg_url)
        except Exception as error:
            return {"error": f"{error} (bash bench/pg_cluster.sh start)"}
    data_dir(args, database).mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", *sys.argv[1:]]
    child = subprocess.run(command, env=environment_for(database, args),
                           stdout=subprocess.PIPE, text=True, check=False)  # fmt: skip
    if child.returncode:
        return {"error": f"measuring process exited with {child.returncode}"}
    result = json.loads(child.stdout)
    result["wall_seconds"] = round(time.perf_counter() - began, 1)
    return result


def run_facts(args: argparse.Namespace) -> dict:
    def git(*words: str) -> str:
        return subprocess.run(["git", *words], cwd=REPO, capture_output=True, text=True).stdout

    dirty = "+changes" if git("status", "--porcelain", "--untracked-files=no").strip() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())  # fmt: skip
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "commit": git("rev-parse", "--short", "HEAD").strip() + dirty,
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "repeats": args.repeats,
    }


def markdown(results: dict) -> str:
    """The report: each scenario's median on each database, the target, and the baselines."""
    names = [n for n in DATABASES if "scenarios" in results["databases"].get(n, {})]
    repeats = results["run"]["repeats"]
    lines = [
        "| report | " + " | ".join(
            f"{DATABASES[n]} median s ({repeats} runs) | {DATABASES[n]} baseline s | ratio "
            f"| < {TARGET_SECONDS:.0f} s" for n in names) + " |",
        "|---|" + "---:|---:|---:|:---:|" * len(names),
    ]  # fmt: skip
    keys = dict.fromkeys(k for n in names for k in results["databases"][n]["scenarios"])
    for key in keys:
        rows = {n: results["databases"][n]["scenarios"].get(key) for n in names}
        label = next(row["label"] for row in rows.values() if row)
        cells = []
        for row in rows.values():
            if row is None:
                cells.append(" - | - | - | - |")
                continue
            verdict = "pass" if row["median"] < TARGET_SECONDS else "**fail**"
            baseline = f"{row['baseline']:.2f}" if "baseline" in row else "-"
            ratio = f"{row['ratio']:.1f}x" if "ratio" in row else "-"
            cells.append(f" {row['median']:.3f} | {baseline} | {ratio} | {verdict} |")
        lines.append(f"| {label} |" + "".join(cells))
    for name, result in results["databases"].items():
        lines.append("")
        if "error" in result:
            lines.append(f"{DATABASES[name]}: {result['error']}")
            continue
        facts, database = result["data_set"], result["database"]
        extra = ""
        if "shared_buffers" in database:
            extra = (
                f", shared_buffers {database['shared_buffers']}, "
                f"{result.get('prewarmed_gib')} GiB prewarmed, "
                f"{database['parallel_workers_per_gather']} parallel workers per gather"
            )
        lines.append(
            f"{DATABASES[name]} {database['version']}: {facts['answers']:,} answers "
            f"({', '.join(f'{k} {v:,}' for k, v in facts['answers_by_kind'].items())}), "
            f"{facts['invitations']:,} invitations, {facts['recovery_tasks']:,} recovery tasks, "
            f"{database['database_bytes'] / 2**30:.1f} GiB{extra}; "
            f"{'reused' if facts['reused'] else 'loaded'} ({facts['load_seconds']:.0f} s to load)."
        )
        for row in result["scenarios"].values():
            runs = ", ".join(f"{s:.3f}" for s in row["runs"])
            profile = row["profile"]
            lines.append(f"- {row['label']}: runs {runs} s; {profile['count']} queries, "
                         f"{profile['sql_seconds']:.3f} s in SQL")  # fmt: skip
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--data-root", type=Path, default=DATA_ROOT)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-reps", type=int, default=1, help="0 skips the baselines")
    parser.add_argument("--only", help="comma-separated scenario keys")
    parser.add_argument("--cold", action="store_true", help="skip reading the data into memory")
    parser.add_argument("--output", type=Path, help="JSON (default bench/results/surveys-DATE)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(measure_here(args)))
        return
    results = {"run": run_facts(args), "databases": {}}
    for name in DATABASES if args.db == "both" else [args.db]:
        if name == "sqlite" and not args.cold:
            found = data_dir(args, name).glob("loyaldesk.sqlite3*")
            log(f"read {read_into_page_cache(found):.1f} GiB into the page cache")
        results["databases"][name] = measure(name, args)
    print(markdown(results))
    day = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    output = args.output or REPO / "bench" / "results" / f"surveys-{day}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"results written to {output}")
    if any("error" in result for result in results["databases"].values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
