"""PostgreSQL: the planner counts the words of the full-text documents closely."""

from django.db import migrations

from loyaldesk.core.fulltext import statistics_sql

TABLES = ("desk_message", "desk_case")


def count_words(apps, schema_editor) -> None:
    for table in TABLES:
        for statement in statistics_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("desk", "0011_case_list_indexes")]
    operations = [migrations.RunPython(count_words, migrations.RunPython.noop)]
