"""Full-text indexes and queries: FTS5 on SQLite, tsvector over a GIN index on PostgreSQL.

Both ignore case and accents ("Hélène" is found by "helene") and treat every word of a query
as a prefix, so "aspira" finds "aspirapolvere". No stemming: texts come in several languages.
A query returns the newest matching rows only, at most `limit`, so a very common word costs a
bounded amount of work; whole words are looked up before prefixes, which cost a read of every
row they match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from django.db import connection, transaction

PG_CONFIG = "loyaldesk_search"
PG_DOCUMENT = "search_document"
# PostgreSQL cannot read a GIN index newest first. A query its statistics expect in up to this
# many times `limit` rows reads them all; a commoner one looks in the newest rows, in a window
# this many times as wide as the expected density needs, then further back.
PG_READ_ALL_UP_TO = 10
PG_WINDOW_MARGIN = 2
PG_WINDOW_GROWTH = 8
# Reading one row newest first and testing its stored document costs about as much as this
# many GIN entries (measured on 3.2 million messages: 0.5 µs a row, 0.2 to 0.6 µs an entry).
# A query reads newest first when that costs less than its words' entries, and gives up past
# this many times the rows its estimate needs.
PG_ROW_COST = 2
PG_SCAN_MARGIN = 4
# Every full-text index: the table and the text columns it covers.
INDEXED: dict[str, tuple[str, ...]] = {
    "desk_message": ("text",),
    "desk_case": ("subject",),
    "customers_customer": ("first_name", "last_name"),
}
MAX_WORDS = 8
WORD = re.compile(r"[^\W_]{2,}")


def search_words(text: str) -> list[str]:
    """The words of a query that an index can look up: letters and digits, two or more."""
    return [word.lower() for word in WORD.findall(text)][:MAX_WORDS]


def _fts5_query(words: Sequence[str], prefix: bool) -> str:
    # Each word is letters and digits only, so quoting it is all the escaping FTS5 needs.
    star = "*" if prefix else ""
    return " ".join(f'"{word}"{star}' for word in words)


def _tsquery(words: Sequence[str], prefix: bool) -> str:
    star = ":*" if prefix else ""
    return " & ".join(f"{word}{star}" for word in words)


def _pg_document(columns: Sequence[str]) -> str:
    joined = " || ' ' || ".join(connection.ops.quote_name(column) for column in columns)
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {joined})"


def index_sql(vendor: str, table: str, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """The statements that create, and those that drop, a table's full-text index."""
    index = f"{table}_fts"
    if vendor == "sqlite":
        listed = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        add = f"INSERT INTO {index}(rowid, {listed}) VALUES (new.id, {new});"
        remove = f"INSERT INTO {index}({index}, rowid, {listed}) VALUES ('delete', old.id, {old});"
        create = [
            f"CREATE VIRTUAL TABLE {index} USING fts5({listed}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
            f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {listed} ON {table} "
            f"BEGIN {remove} {add} END",
            f"INSERT INTO {index}({index}) VALUES ('rebuild')",
        ]
        drop = [
            *(
                f"DROP TRIGGER IF EXISTS {index}_{event}"
                for event in ("insert", "delete", "update")
            ),
            f"DROP TABLE IF EXISTS {index}",
        ]
        return create, drop
    if vendor == "postgresql":
        # A stored document, not an expression index: matches of prefix words are checked
        # again row by row, and reading a stored vector is far cheaper than recomputing it.
        create = [
            f"DROP INDEX IF EXISTS {index}",
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {PG_DOCUMENT} tsvector "
            f"GENERATED ALWAYS AS ({_pg_document(columns)}) STORED",
            f"CREATE INDEX {index} ON {table} USING gin ({PG_DOCUMENT})",
        ]
        drop = [
            f"DROP INDEX IF EXISTS {index}",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {PG_DOCUMENT}",
        ]
        return create, drop
    return [], []


def repair_indexes(**_: object) -> list[str]:
    """Recreate SQLite full-text triggers a migration dropped; return the tables repaired.

    On SQLite, Django alters a table by copying it into a new one, which silently drops the
    triggers that keep its full-text index current. Run after every migration.
    """
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        repaired = []
        for table, columns in INDEXED.items():
            wanted = {f"{table}_fts_{event}" for event in ("insert", "delete", "update")}
            if table not in present or f"{table}_fts" not in present or wanted <= present:
                continue
            create, drop = index_sql("sqlite", table, columns)
            for statement in [*drop, *create]:
                cursor.execute(statement)
            repaired.append(table)
    return repaired


def search_configuration_sql(vendor: str) -> tuple[list[str], list[str]]:
    """PostgreSQL's text search configuration: words as they are, without accents."""
    if vendor != "postgresql":
        return [], []
    create = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)",
        f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    ]
    return create, [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}"]


def matching_values(
    table: str, columns: Sequence[str], words: Sequence[str], select: str, limit: int
) -> list:
    """`select` of the newest rows (by id) of a table whose indexed columns hold every word.

    Whole words come first: when they alone fill `limit`, longer words that start with a query
    word are not looked up, since both indexes read every row a prefix matches.
    """
    if not words:
        return []
    whole = _newest_matches(table, words, select, limit, prefix=False)
    if len(whole) >= limit:
        return whole
    return _newest_matches(table, words, select, limit, prefix=True)


def _newest_matches(
    table: str, words: Sequence[str], select: str, limit: int, *, prefix: bool
) -> list:
    if connection.vendor == "postgresql":
        return _pg_matching_values(table, words, select, limit, prefix)
    if connection.vendor != "sqlite":
        raise NotImplementedError(f"no full-text search on {connection.vendor}")
    quote = connection.ops.quote_name
    index = f"{table}_fts"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(select)} FROM {quote(table)} WHERE id IN (SELECT rowid FROM {index} "
            f"WHERE {index} MATCH %s ORDER BY rowid DESC LIMIT %s)",
            [_fts5_query(words, prefix), limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _pg_matching_values(
    table: str, words: Sequence[str], select: str, limit: int, prefix: bool
) -> list:
    with transaction.atomic(), connection.cursor() as cursor:
        # Before the settings, which would turn this one-entry read of the primary key into a
        # scan of the whole table (1.8 s on 3.2 million messages).
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}")
        newest = cursor.fetchone()[0]
        estimates = [_pg_estimated_rows(cursor, table, word, prefix) for word in words]
        # Every word is required, so the rarest bounds the matches (the planner's estimate of
        # the whole query multiplies them, and misses words that come together, as a name).
        expected = min(estimates)
        query = _tsquery(words, prefix)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        if expected > PG_READ_ALL_UP_TO * limit:
            # A GIN index reads each word's every entry; newest rows first, a common word
            # fills the limit after a few thousand rows.
            scan = newest * limit // expected
            if scan * PG_ROW_COST < sum(estimates):
                floor = max(newest - PG_SCAN_MARGIN * scan, 0)
                rows = _pg_scan_newest(cursor, table, query, select, floor, limit)
                if len(rows) >= limit:
                    return rows
        return _pg_index_newest(cursor, table, query, select, newest, expected, limit)


def _pg_scan_newest(cursor, table: str, query: str, select: str, floor: int, limit: int) -> list:
    """`select` of the newest `limit` rows above id `floor` that match, read newest first."""
    quote = connection.ops.quote_name
    cursor.execute("SET LOCAL enable_bitmapscan = off")
    cursor.execute(
        f"SELECT {quote(select)} FROM {quote(table)} "
        f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s) AND id > %s "
        "ORDER BY id DESC LIMIT %s",
        [query, floor, limit],
    )
    rows = [row[0] for row in cursor.fetchall()]
    cursor.execute("SET LOCAL enable_bitmapscan = on")
    return rows


def _pg_index_newest(
    cursor, table: str, query: str, select: str, newest: int, expected: int, limit: int
) -> list:
    """`select` of the newest `limit` matching rows, found through the GIN index."""
    cursor.execute("SET LOCAL enable_indexscan = off")
    # At least one id wide: statistics older than a purge may expect more rows than exist,
    # and a window of none would never grow.
    window = newest if expected <= PG_READ_ALL_UP_TO * limit else newest * limit // expected
    window = max(window, 1)
    while True:
        floor = max(newest - PG_WINDOW_MARGIN * window, 0)
        rows = _pg_newest(cursor, table, query, select, floor, limit)
        if len(rows) >= limit or floor == 0:
            return rows
        # The matches are rarer than the planner thought: widen by what this window held.
        window = window * (limit // len(rows) + 1) if rows else window * PG_WINDOW_GROWTH


def _pg_estimated_rows(cursor, table: str, word: str, prefix: bool) -> int:
    """How many rows hold the word, as PostgreSQL's statistics tell. As a prefix, the word's
    estimate falls back to a default on small tables, so the word itself bounds it below."""
    whole = _pg_plan_rows(cursor, table, word)
    return max(_pg_plan_rows(cursor, table, f"{word}:*"), whole) if prefix else whole


def _pg_plan_rows(cursor, table: str, query: str) -> int:
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {connection.ops.quote_name(table)} "
        f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)",
        [query],
    )
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), 1)


def _pg_newest(cursor, table: str, query: str, select: str, floor: int, limit: int) -> list:
    """`select` of the newest `limit` rows above id `floor` that match the query."""
    quote = connection.ops.quote_name
    # The fence (OFFSET 0) and the settings make the planner read the GIN index as a bitmap;
    # otherwise it may walk the primary key backwards testing every row, for minutes. Without
    # a floor there is no id condition: PostgreSQL would read the whole primary key for it.
    above = "AND id > %s" if floor else ""
    cursor.execute(
        f"SELECT value FROM (SELECT id, {quote(select)} AS value FROM {quote(table)} "
        f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s) {above} "
        "OFFSET 0) AS found ORDER BY id DESC LIMIT %s",
        [query, floor, limit] if floor else [query, limit],
    )
    return [row[0] for row in cursor.fetchall()]
