from django.db import connection

from loyaldesk.core.fulltext import repair_indexes, search_words
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
