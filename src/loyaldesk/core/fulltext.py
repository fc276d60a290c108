"""Full-text indexes and queries: FTS5 on SQLite, tsvector over a GIN index on PostgreSQL.

Both ignore case and accents ("Hélène" is found by "helene") and treat every word of a query
as a prefix, so "aspira" finds "aspirapolvere". No stemming: texts come in several languages.
A query returns the newest matching rows only, at most `limit`, so a very common word costs a
bounded amount of work; whole words are looked up before prefixes, which cost a read of every
row they match.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

PG_CONFIG = "loyaldesk_search"
PG_DOCUMENT = "search_document"
# PostgreSQL cannot read a GIN index newest first: through the index, a query reads every
# match's row (3 to 6 µs each, measured on 3.2 million messages), then sorts them. Reading rows
# newest first and testing each costs 0.5 µs a row, and stops at the limit: the better way
# for common words. Taken as this many rows read newest first for each match read through the
# index, the two cost the same when a query matches sqrt(limit * rows / cost) rows (measured
# at 3.2 million messages: 3.2 µs a match through the index, 0.53 µs a row newest first).
PG_MATCH_COST = 6
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
    table: str,
    columns: Sequence[str],
    words: Sequence[str],
    select: str,
    limit: int,
    *,
    prefix: bool | None = None,
) -> list:
    """`select` of the newest rows (by id) of a table whose indexed columns hold every word.

    Whole words come first: when they alone fill `limit`, longer words that start with a query
    word are not looked up, since both indexes read every row a prefix matches. `prefix`
    True or False asks for one of the two lookups only.
    """
    if not words:
        return []
    lookups = (False, True) if prefix is None else (prefix,)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            find = _PgNewestMatches(cursor, table, select, limit)
            return _first_to_fill(find, words, lookups, limit)
    if connection.vendor == "sqlite":
        return _first_to_fill(_SqliteNewestMatches(table, select, limit), words, lookups, limit)
    raise NotImplementedError(f"no full-text search on {connection.vendor}")


def _first_to_fill(
    find: Callable[..., list], words: Sequence[str], lookups: Sequence[bool], limit: int
) -> list:
    """The first lookup's matches that fill `limit`, else the last one's (a prefix lookup
    finds the whole words too)."""
    for prefix in lookups:
        found = find(words, prefix=prefix)
        if len(found) >= limit:
            break
    return found


@dataclass
class _SqliteNewestMatches:
    table: str
    select: str
    limit: int

    def __call__(self, words: Sequence[str], *, prefix: bool) -> list:
        quote = connection.ops.quote_name
        index = f"{self.table}_fts"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(self.select)} FROM {quote(self.table)} WHERE id IN "
                f"(SELECT rowid FROM {index} WHERE {index} MATCH %s ORDER BY rowid DESC LIMIT %s)",
                [_fts5_query(words, prefix), self.limit],
            )
            return [row[0] for row in cursor.fetchall()]


class _PgNewestMatches:
    """The newest matches in one table on PostgreSQL, within one transaction: each query reads
    newest first or through the index, whichever the word counts say costs less."""

    def __init__(self, cursor, table: str, select: str, limit: int) -> None:
        self.cursor, self.table, self.select, self.limit = cursor, table, select, limit
        self.rows_by_word: dict[str, int] = {}
        self.settings: dict[str, str] = {}
        # In one round trip with the settings, which change only once this read of the newest
        # entry of the primary key is planned: planned after them, it would scan the whole
        # table (1.8 s on 3.2 million messages).
        cursor.execute(
            f"SELECT (SELECT coalesce(max(id), 0) FROM {self._quoted(table)}), "
            "set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        self.newest = cursor.fetchone()[0]

    def __call__(self, words: Sequence[str], *, prefix: bool) -> list:
        if not self.newest:
            return []
        # Every word is required, so the rarest bounds the matches. Words of one query often
        # come together (a product's name, "would like"): PostgreSQL, which multiplies their
        # shares, expects 592 messages with "would like" where 21,568 have both. Expecting
        # the most, a wrong guess costs at most the budget below; expecting too few would
        # send a common phrase through the index, reading every one of its matches.
        expected = min(self._estimated_rows(word, prefix) for word in words)
        query = _tsquery(words, prefix)
        # Reading newest first wins when the query matches more rows than the break-even; it
        # then fills the limit within `budget` rows. Where the words meet less often than
        # expected, the read stops at `budget`, and goes on only if the matches it saw promise
        # to fill the limit for less than the index would cost.
        budget = math.isqrt(PG_MATCH_COST * self.limit * self.newest)
        if self.newest * self.limit // expected < budget:
            rows = self._scan(query, self.newest - budget, self.newest, self.limit)
            if rows and len(rows) < self.limit:
                rows += self._scan_further(query, budget, len(rows))
            if len(rows) >= self.limit:
                return rows
        return self._index(query)

    def _scan_further(self, query: str, read: int, found: int) -> list:
        """The next matches below the `read` newest rows, when the rate of those `found` there
        says that reading on (twice the rows that rate needs) costs less than the index."""
        rest = self.limit - found
        more = 2 * math.ceil(rest * read / found)
        if more >= PG_MATCH_COST * found * self.newest // read:
            return []
        ceiling = self.newest - read
        return self._scan(query, ceiling - more, ceiling, rest)

    def _scan(self, query: str, floor: int, ceiling: int, limit: int) -> list:
        """The newest `limit` matches with ids in (floor, ceiling], read newest first."""
        self._set(enable_bitmapscan="off", enable_indexscan="on")
        return self._values(
            f"SELECT {self._quoted(self.select)} FROM {self._quoted(self.table)} "
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s) "
            "AND id > %s AND id <= %s ORDER BY id DESC LIMIT %s",
            [query, floor, ceiling, limit],
        )

    def _index(self, query: str) -> list:
        """The newest `limit` matches, all found through the GIN index."""
        # The fence (OFFSET 0) and the setting make the planner read the GIN index as a
        # bitmap; otherwise it may walk the primary key backwards testing every row, for minutes.
        self._set(enable_bitmapscan="on", enable_indexscan="off")
        return self._values(
            f"SELECT value FROM (SELECT id, {self._quoted(self.select)} AS value "
            f"FROM {self._quoted(self.table)} "
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s) OFFSET 0) AS found "
            "ORDER BY id DESC LIMIT %s",
            [query, self.limit],
        )

    def _values(self, sql: str, params: list) -> list:
        self.cursor.execute(sql, params)
        return [row[0] for row in self.cursor.fetchall()]

    def _set(self, **settings: str) -> None:
        """Change the settings that differ until the end of the transaction, in one round trip."""
        changed = {
            name: value for name, value in settings.items() if self.settings.get(name) != value
        }
        if changed:
            calls = ", ".join("set_config(%s, %s, true)" for _ in changed)
            self.cursor.execute(
                f"SELECT {calls}", [part for pair in changed.items() for part in pair]
            )
            self.settings.update(changed)

    def _estimated_rows(self, word: str, prefix: bool) -> int:
        """How many rows hold the word, as PostgreSQL's statistics tell. As a prefix, the word's
        estimate falls back to a default on small tables, so the word itself bounds it below."""
        whole = self._plan_rows(word)
        return max(self._plan_rows(f"{word}:*"), whole) if prefix else whole

    def _plan_rows(self, query: str) -> int:
        if query not in self.rows_by_word:
            self.cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self._quoted(self.table)} "
                f"WHERE {PG_DOCUMENT} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)",
                [query],
            )
            plan = self.cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            self.rows_by_word[query] = max(int(plan[0]["Plan"]["Plan Rows"]), 1)
        return self.rows_by_word[query]

    @staticmethod
    def _quoted(name: str) -> str:
        return connection.ops.quote_name(name)
