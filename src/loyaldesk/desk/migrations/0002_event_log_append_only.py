"""Refuse UPDATE on the event log in the database itself, whatever code runs against it."""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER desk_event_append_only BEFORE UPDATE ON desk_event
BEGIN SELECT RAISE(ABORT, 'desk_event is append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS desk_event_append_only;"

POSTGRES_CREATE = """
CREATE FUNCTION desk_event_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'desk_event is append-only'; END; $$;
CREATE TRIGGER desk_event_append_only BEFORE UPDATE ON desk_event
FOR EACH ROW EXECUTE FUNCTION desk_event_refuse_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS desk_event_append_only ON desk_event;
DROP FUNCTION IF EXISTS desk_event_refuse_update();
"""

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, index: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements:
        schema_editor.execute(statements[index])


def create_trigger(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def drop_trigger(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
