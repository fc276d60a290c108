"""A full-text index on customer names (FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from loyaldesk.core.fulltext import INDEXED as INDEXED_COLUMNS
from loyaldesk.core.fulltext import index_sql

TABLE = "customers_customer"
COLUMNS = INDEXED_COLUMNS[TABLE]


def create(apps, schema_editor) -> None:
    for statement in index_sql(schema_editor.connection.vendor, TABLE, COLUMNS)[0]:
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    for statement in index_sql(schema_editor.connection.vendor, TABLE, COLUMNS)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_merged_into"),
        ("core", "0002_search_configuration"),
    ]
    operations = [migrations.RunPython(create, drop)]
