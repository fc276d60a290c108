"""Writing generated rows fast: DB-API executemany on SQLite, COPY on PostgreSQL.

The generator writes hundreds of thousands of rows a second; going through model instances
would cost more than generating them. Column lists are checked against the models, so a model
change cannot silently misalign the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection, models

from loyaldesk.accounts.models import User
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

COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: ("id", "name", "domain", "segment", "created_at"),
    Customer: (
        "id", "first_name", "last_name", "preferred_language", "segment", "city", "country",
        "consent_service_email", "consent_surveys", "consent_marketing", "customer_since",
        "created_at",
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
    ),
    Message: (
        "id", "case_id", "kind", "channel", "author_user_id", "author_customer_id",
        "sender_address", "text", "html", "language", "external_id", "raw_source", "created_at",
    ),
    Event: (
        "id", "case_id", "customer_id", "actor_id", "actor_kind", "kind", "at", "before", "after",
    ),
}  # fmt: skip
# Parents before children, so foreign keys hold at every insert.
WRITE_ORDER = (
    Organisation, Customer, Membership, Identity, Purchase, PurchaseItem, OwnedProduct,
    Case, Message, Event,
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


def write_rows(model: type[models.Model], rows: Sequence[tuple]) -> None:
    """Insert rows, tuples in COLUMNS order, inside the caller's transaction."""
    if not rows:
        return
    table = model._meta.db_table
    columns = COLUMNS[model]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    connection.ensure_connection()
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
    if connection.vendor == "sqlite":
        connection.connection.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), rows)


def reset_sequences() -> None:
    """After writing explicit ids, make the database's own id counters continue after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [*COLUMNS, User])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
