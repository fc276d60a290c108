from math import isqrt

from django.db import connection
from django.utils import timezone

from loyaldesk.core.fulltext import (
    PG_MATCH_COST,
    matching_values,
    repair_indexes,
    search_words,
)
from loyaldesk.desk.models import Message
from loyaldesk.desk.selectors import CaseFilter, CaseView, filtered_cases
from loyaldesk.desk.services import change_case_details


def test_query_words_are_letters_and_digits_only():
    assert search_words('Hélène "OR" *lave-linge* E21 a_b x NEAR(') == [
        "hélène",
        "or",
        "lave",
        "linge",
        "e21",
        "near",
    ]


def test_a_table_rebuilt_by_a_migration_gets_its_index_triggers_back(case, manager):
    """SQLite copies a table to alter it, losing its triggers; the post-migrate repair
    restores them (PostgreSQL's expression indexes need no repair)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER desk_case_fts_update")
        assert repair_indexes() == ["desk_case"]
    assert repair_indexes() == []
    change_case_details(case, actor=manager, subject="Lavatrice rumorosa")
    found = filtered_cases(manager, CaseFilter(view=CaseView.ALL, search="rumorosa"))
    assert list(found) == [case]


def _messages(case, texts: list[str]) -> list[int]:
    """Messages with these texts on the case, oldest first; their ids."""
    made = Message.objects.bulk_create(
        Message(case=case, kind="note", channel="web", text=text, created_at=timezone.now())
        for text in texts
    )
    _analyze()
    return [message.pk for message in Message.objects.filter(pk__in=[m.pk for m in made])]


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics as a live database has them: PostgreSQL's word counts pick the way.
            cursor.execute("ANALYZE desk_message")


def newest(words: list[str], limit: int) -> set[int]:
    return set(matching_values("desk_message", ["text"], words, "id", limit))


def test_a_common_word_gives_its_newest_matches(case):
    ids = _messages(case, ["garanzia scaduta" if i % 3 else "altro" for i in range(90)])
    matching = [pk for pk, i in zip(ids, range(90), strict=True) if i % 3]
    assert newest(["garanzia"], 4) == set(matching[-4:])


def test_matches_only_in_old_messages_are_found_past_the_newest_ones(case):
    ids = _messages(case, ["rarissimo"] * 40 + ["nulla da vedere"] * 400)
    assert newest(["rarissimo"], 3) == set(ids[37:40])


def test_matches_thinner_than_expected_widen_the_search(case):
    texts = ["parola comune"] * 60 + ["comune"] * 300 + ["parola"] * 30 + ["parola comune"] * 2
    ids = _messages(case, texts)
    both = [pk for pk, text in zip(ids, texts, strict=True) if text == "parola comune"]
    assert newest(["parola", "comune"], 5) == set(both[-5:])


def test_a_word_nowhere_finds_nothing(case):
    _messages(case, ["qualcosa"] * 30)
    assert newest(["introvabile"], 5) == set()


def test_a_word_finds_longer_words_it_starts_when_whole_words_are_too_few(case):
    ids = _messages(case, ["aspirapolvere"] * 3 + ["aspira"] * 2)
    assert newest(["aspira"], 4) == set(ids[1:])


def test_whole_words_that_fill_the_limit_come_before_longer_ones(case):
    """Both indexes read every row a prefix matches; whole words that already give the newest
    `limit` matches spare that read, and the longer words wait for a more precise query."""
    ids = _messages(case, ["aspira"] * 3 + ["aspirapolvere"] * 3)
    assert newest(["aspira"], 3) == set(ids[:3])


def test_matches_that_thin_out_below_the_newest_rows_are_still_the_newest(case):
    """On PostgreSQL, two common words that seldom meet: reading newest first finds most of
    the limit in the rows it budgets for, then reads on below them for the rest."""
    limit = 10
    start = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = _messages(case, ["testo"] * (3 * isqrt(PG_MATCH_COST * limit * (start + 5000))))
    floor = ids[-1] - isqrt(PG_MATCH_COST * limit * ids[-1])
    above = [pk for pk in ids if pk > floor]
    below = [pk for pk in ids if pk <= floor]
    both = above[-8:] + below[-4:]
    Message.objects.filter(pk__in=ids[::2]).update(text="comune")
    Message.objects.filter(pk__in=ids[1::2]).update(text="parola")
    Message.objects.filter(pk__in=both).update(text="parola comune")
    _analyze()
    assert newest(["parola", "comune"], limit) == set(above[-8:] + below[-2:])
