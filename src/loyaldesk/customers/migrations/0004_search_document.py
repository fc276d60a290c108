"""PostgreSQL: full-text search reads a stored document column, not an expression index."""

from django.db import migrations

from loyaldesk.core.fulltext import INDEXED, index_sql

TABLES = ("customers_customer",)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            for statement in index_sql("postgresql", table, INDEXED[table])[0]:
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_fulltext")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
