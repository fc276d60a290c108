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
# PostgreSQL cannot read a GIN index newest first: through the index, a query reads every
# match's row (3 to 5 µs each, measured on 3.2 million messages), then sorts them. Reading rows
# newest first and testing each costs 0.5 µs a row, and stops at the limit: the better way
# for common words. A query reads newest first while that costs less than this many rows for
# each match the planner expects, then uses the index.
PG_MATCH_COST = 4
# That choice rests on the planner's count of each word. It keeps the commonest words of a
# column, ten times its statistics target; at PostgreSQL's default (100), a word in one message
# of 200 gets a fixed guess (8,013 of 3.2 million for words in 800 or 18,000). ANALYZE of 3.2
# million messages takes 3 s at this target.
PG_STATISTICS_TARGET = 1000
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


def statistics_sql(vendor: str, table: str) -> list[str]:
    """The statements that make PostgreSQL count the words of a table's full-text index."""
    if vendor != "postgresql":
        return []
    return [
        f"ALTER TABLE {table} ALTER COLUMN {PG_DOCUMENT} SET STATISTICS {PG_STATISTICS_TARGET}",
        f"ANALYZE {table} ({PG_DOCUMENT})",
    ]


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
        if not newest:
            return []
        estimates = [_pg_estimated_rows(cursor, table, word, prefix) for word in words]
        # Every word is required, so the rarest bounds the matches (the planner's estimate of
        # the whole query multiplies them, and misses words that come together, as a name).
        expected = min(estimates)
        query = _tsquery(words, prefix)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        budget = PG_MATCH_COST * expected
        # Even if every row the rarest word is in matched, would the limit fill in budget?
        if newest * limit // expected < budget:
            floor = max(newest - budget, 0)
            rows = _pg_scan_newest(cursor, table, query, select, floor, limit)
            if len(rows) >= limit:
                return rows
        return _pg_index_newest(cursor, table, query, select, limit)


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


def _pg_index_newest(cursor, table: str, query: str, select: str, limit: int) -> list:
    """`select` of the newest `limit` matching rows, all found through the GIN index."""
    quote = connection.ops.quote_name
    # The fence (OFFSET 0) and the setting make the planner read the GIN index as a bitmap;
    # otherwise it may walk the primary key backwards testing every row, for minutes.
    cursor.execute("SET LOCAL enable_indexscan = off")
    cursor.execute(
        f"SELECT value FROM (SELECT id, {quote(select)} AS value FROM {quote(table)} "
        f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s) OFFSET 0) AS found "
        "ORDER BY id DESC LIMIT %s",
        [query, limit],
    )
    return [row[0] for row in cursor.fetchall()]


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
