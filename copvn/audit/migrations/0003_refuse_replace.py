"""SQLite's INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers: refuse any insert
that would collide with an existing entry, so no entry can be rewritten that way.
(PostgreSQL's INSERT … ON CONFLICT DO UPDATE already fires the UPDATE trigger of 0002.)"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit_auditevent "
    "WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq OR hash = NEW.hash OR id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_no_replace;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
