"""Full-text indexes on message texts and case subjects (FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from loyaldesk.core.fulltext import INDEXED as INDEXED_COLUMNS
from loyaldesk.core.fulltext import index_sql

INDEXED = [(table, INDEXED_COLUMNS[table]) for table in ("desk_message", "desk_case")]


def create(apps, schema_editor) -> None:
    for table, columns in INDEXED:
        for statement in index_sql(schema_editor.connection.vendor, table, columns)[0]:
            schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    for table, columns in INDEXED:
        for statement in index_sql(schema_editor.connection.vendor, table, columns)[1]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0003_alter_case_resolved_at_savedview"),
        ("core", "0002_search_configuration"),
    ]
    operations = [migrations.RunPython(create, drop)]
