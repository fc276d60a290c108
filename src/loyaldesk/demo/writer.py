"""Writing generated rows fast: DB-API executemany on SQLite, COPY on PostgreSQL.

The generator writes hundreds of thousands of rows a second; going through model instances
would cost more than generating them. Column lists are checked against the models, so a model
change cannot silently misalign the rows.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import chain

from django.core.management.color import no_style
from django.db import connection, models

from loyaldesk.accounts.models import User
from loyaldesk.core.fulltext import INDEXED, index_sql
from loyaldesk.customers.models import (
    Customer,
    Identity,
    Membership,
    Organisation,
    OwnedProduct,
    Purchase,
    PurchaseItem,
)
from loyaldesk.desk.models import Case, Event, Message
from loyaldesk.surveys.models import Answer, Invitation, RecoveryTask

InvitationAgent = Invitation.agents.through

COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: ("id", "name", "domain", "segment", "created_at"),
    Customer: (
        "id", "first_name", "last_name", "preferred_language", "segment", "city", "country",
        "consent_service_email", "consent_surveys", "consent_marketing", "customer_since",
        "created_at", "merged_into_id",
    ),
    Membership: ("id", "customer_id", "organisation_id", "is_primary"),
    Identity: ("id", "customer_id", "channel", "address", "is_verified", "created_at"),
    Purchase: ("id", "customer_id", "order_number", "purchased_at", "amount", "currency"),
    PurchaseItem: ("id", "purchase_id", "product_id", "quantity", "unit_price"),
    OwnedProduct: (
        "id", "customer_id", "product_id", "purchase_id", "serial_number", "purchased_on",
        "warranty_ends_on",
    ),
    Case: (
        "id", "number", "subject", "status", "priority", "category", "origin_channel", "language",
        "customer_id", "queue_id", "assignee_id", "repeat_of_id", "opened_at",
        "first_response_at", "resolved_at", "closed_at", "updated_at", "reopen_count",
        "merged_into_id", "sla_due_at", "sla_breached", "sla_at_risk",
    ),
    Message: (
        "id", "case_id", "kind", "channel", "author_user_id", "author_customer_id",
        "sender_address", "text", "html", "language", "external_id", "raw_source", "created_at",
    ),
    Event: (
        "id", "case_id", "customer_id", "actor_id", "actor_kind", "kind", "at", "before", "after",
    ),
    Invitation: (
        "id", "survey_id", "customer_id", "case_id", "agent_id", "team_id", "queue_id", "channel",
        "category", "language", "token_digest", "skipped", "delivery_id", "created_at",
        "expires_at", "opened_at", "completed_at",
    ),
    InvitationAgent: ("id", "invitation_id", "user_id"),
    Answer: (
        "id", "invitation_id", "question_id", "kind", "score", "choice_id", "text", "answered_at",
        "survey_id", "customer_id", "case_id", "agent_id", "team_id", "queue_id", "channel",
        "category", "language", "resolution_band", "first_contact", "reopened", "contact_band",
    ),
    RecoveryTask: (
        "id", "invitation_id", "customer_id", "case_id", "reason", "owner_id", "team_id", "state",
        "note", "created_at", "due_at", "contacted_at", "closed_at",
    ),
}  # fmt: skip
# SQLite allows 32,766 bound values per statement since 3.32; stay well inside it.
SQLITE_VARIABLES = 30_000
SWITCH_INTERVAL = 0.0005
# The column each table's rows are written in the order of, when there is one.
LOADED_IN_ORDER = {
    "customers_identity": "customer_id",
    "customers_membership": "customer_id",
    "customers_purchase": "customer_id",
    "customers_ownedproduct": "customer_id",
    "customers_purchaseitem": "purchase_id",
    "desk_case": "opened_at",
    "desk_message": "case_id",
    "desk_event": "case_id",
    "surveys_invitation": "created_at",
}
# Parents before children, so foreign keys hold at every insert.
WRITE_ORDER = (
    Organisation, Customer, Membership, Identity, Purchase, PurchaseItem, OwnedProduct,
    Case, Message, Invitation, InvitationAgent, Answer, RecoveryTask, Event,
)  # fmt: skip


def check_columns() -> None:
    """Fail loudly if a model's columns no longer match what the generator writes."""
    for model, columns in COLUMNS.items():
        actual = {field.column for field in model._meta.concrete_fields}
        if actual != set(columns):
            raise RuntimeError(
                f"{model.__name__}: generator writes {sorted(columns)}, model has {sorted(actual)}"
            )


def next_ids() -> dict[type[models.Model], int]:
    """The first free primary key of each table the generator writes."""
    result = {}
    for model in COLUMNS:
        last = model.objects.aggregate(last=models.Max("id"))["last"] or 0
        result[model] = last + 1
    return result


def write_rows(raw, vendor: str, model: type[models.Model], rows: Sequence[tuple]) -> None:
    """Insert rows, tuples in COLUMNS order, on a DB-API connection inside its transaction."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = COLUMNS[model]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    if vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif vendor == "sqlite":
        _insert_sqlite(raw, f"INSERT INTO {table} ({quoted}) VALUES ", len(columns), rows)
    else:
        placeholders = ", ".join("%s" for _ in columns)
        with raw.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)


def _insert_sqlite(raw, insert: str, width: int, rows: Sequence[tuple]) -> None:
    # Many rows per statement: SQLite's per-statement work, and the hand-over of the GIL around
    # each step, is paid once per block of rows rather than once per row.
    per_statement = SQLITE_VARIABLES // width
    row_marks = "(" + ", ".join("?" * width) + ")"
    cursor = raw.cursor()
    try:
        for begin in range(0, len(rows), per_statement):
            block = rows[begin : begin + per_statement]
            sql = insert + ", ".join([row_marks] * len(block))
            cursor.execute(sql, list(chain.from_iterable(block)))
    finally:
        cursor.close()


class BackgroundWriter:
    """Writes batches of rows on a second thread while the generator makes the next ones.

    SQLite and psycopg release the GIL while the database works, so on two cores generating and
    writing overlap. The writer uses the default connection's DB-API connection inside the
    caller's transaction; the caller must not use the database until `drain` returns.
    """

    def __init__(self, depth: int = 2) -> None:
        connection.ensure_connection()
        self._raw, self._vendor = connection.connection, connection.vendor
        self._work: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        # The writer needs the GIL back soon after each statement, not after the default 5 ms.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._work.put(None)
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)
        if exc_info[0] is None:
            self._raise_error()

    def submit(self, tables: dict[type[models.Model], list[tuple]]) -> None:
        """Queue one batch of rows; waits while `depth` batches are already waiting."""
        self._raise_error()
        self._work.put(partial(self._write, tables))

    def execute(self, statements: Sequence[str]) -> None:
        """Queue SQL statements to run after the rows submitted so far."""
        self._raise_error()
        self._work.put(partial(self._execute, statements))

    def drain(self) -> None:
        """Wait until everything submitted is done; the database is the caller's again."""
        self._work.join()
        self._raise_error()

    def _write(self, tables: dict[type[models.Model], list[tuple]]) -> None:
        for model in WRITE_ORDER:
            write_rows(self._raw, self._vendor, model, tables.get(model, ()))

    def _execute(self, statements: Sequence[str]) -> None:
        cursor = self._raw.cursor()
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise RuntimeError("writing the generated rows failed") from self._error

    def _run(self) -> None:
        while (work := self._work.get()) is not None:
            try:
                if self._error is None:
                    work()
            except BaseException as error:  # handed to the main thread, which re-raises it
                self._error = error
            finally:
                self._work.task_done()
        self._work.task_done()


def is_fresh_sqlite_load() -> bool:
    """Whether this is a first load into empty SQLite tables, outside any other transaction."""
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and not any(model.objects.exists() for model in WRITE_ORDER)
    )


@contextmanager
def load_journal() -> Iterator[None]:
    """Write a first load straight into the database file rather than twice, WAL then checkpoint.

    With the rollback journal, pages added to a database are not journaled, so a load into empty
    tables is written once. Changing the journal mode needs the database to be free of other
    connections; when it is not, SQLite keeps WAL and the load is only slower.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode = DELETE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")


@contextmanager
def foreign_keys_added_after_load(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, take these tables' foreign keys off for the load and add them back after.

    A deferred foreign key queues one trigger per written row and runs them all at the check,
    which takes longer than the load itself; adding the key back checks every row in one join.
    Inside the load's transaction, so the keys are never missing for anyone else.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
            "ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        keys = cursor.fetchall()
        # A table with checks still queued cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")


def drop_secondary_indexes(models_: Sequence[type[models.Model]]) -> list[str]:
    """Drop the SQLite indexes these tables would update at random; return their rebuild SQL.

    Sorting a finished table into an index costs several times less than inserting each row's
    entry at a random place. Indexes led by a column the load writes in order (the case of an
    event, the customer of a purchase) only grow at their end, so they stay. Used inside the
    load's transaction, so a failed load keeps them all.
    """
    rebuild = []
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name = %s ORDER BY name",
                [table],
            )
            for name, sql in cursor.fetchall():
                quoted = connection.ops.quote_name(name)
                cursor.execute(f"SELECT name FROM pragma_index_info({quoted}) ORDER BY seqno")
                if cursor.fetchone()[0] == LOADED_IN_ORDER.get(table):
                    continue
                cursor.execute(f"DROP INDEX {quoted}")
                rebuild.append(sql)
    return rebuild


def defer_fulltext(tables: Sequence[str]) -> list[str]:
    """Take these tables' SQLite full-text indexes off for a fresh load; return the SQL that
    builds them again from the finished tables, in one pass instead of one trigger per row."""
    rebuild = []
    with connection.cursor() as cursor:
        for table in tables:
            create, drop = index_sql("sqlite", table, INDEXED[table])
            for statement in drop:
                cursor.execute(statement)
            rebuild.extend(create)
    return rebuild


def reset_sequences() -> None:
    """After writing explicit ids, make the database's own id counters continue after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [*COLUMNS, User])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
