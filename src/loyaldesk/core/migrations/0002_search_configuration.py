"""PostgreSQL's text search configuration for loyaldesk's full-text indexes (nothing on SQLite)."""

from django.db import migrations

from loyaldesk.core.fulltext import search_configuration_sql


def create(apps, schema_editor) -> None:
    for statement in search_configuration_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    for statement in search_configuration_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
