"""Locked minutes cannot change, whatever the code path: database triggers refuse an UPDATE of the
minutes, the attendance or a decision's words, who or when once the meeting is locked, and any
UPDATE of an addendum. Corrections are new addenda.

On SQLite a later migration that rebuilds one of these tables (ALTER by copy) drops its trigger:
such a migration must create it again (the test of the lock in test_services.py would fail).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER meetings_meeting_locked BEFORE UPDATE ON meetings_meeting
    FOR EACH ROW WHEN OLD.status = 'locked' AND (
        NEW.minutes IS NOT OLD.minutes OR NEW.child_views IS NOT OLD.child_views
        OR NEW.parents_views IS NOT OLD.parents_views OR NEW.sensitivity IS NOT OLD.sensitivity
        OR NEW.status IS NOT OLD.status OR NEW.starts_at IS NOT OLD.starts_at)
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END""",
    """CREATE TRIGGER meetings_participant_locked BEFORE UPDATE ON meetings_participant
    FOR EACH ROW WHEN (NEW.attendance IS NOT OLD.attendance OR NEW.attendance_note IS NOT OLD.attendance_note)
        AND (SELECT status FROM meetings_meeting WHERE id = OLD.meeting_id) = 'locked'
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END""",
    """CREATE TRIGGER meetings_decision_locked BEFORE UPDATE ON meetings_decision
    FOR EACH ROW WHEN (NEW.text IS NOT OLD.text OR NEW.due_on IS NOT OLD.due_on OR NEW.kind IS NOT OLD.kind
        OR NEW.responsible_kind IS NOT OLD.responsible_kind OR NEW.responsible_user_id IS NOT OLD.responsible_user_id
        OR NEW.responsible_organisation_id IS NOT OLD.responsible_organisation_id
        OR NEW.responsible_name IS NOT OLD.responsible_name)
        AND (SELECT status FROM meetings_meeting WHERE id = OLD.meeting_id) = 'locked'
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END""",
    """CREATE TRIGGER meetings_addendum_fixed BEFORE UPDATE ON meetings_minutesaddendum
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'zaedno: an addendum is never edited'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_meeting_locked",
    "DROP TRIGGER IF EXISTS meetings_participant_locked",
    "DROP TRIGGER IF EXISTS meetings_decision_locked",
    "DROP TRIGGER IF EXISTS meetings_addendum_fixed",
]

POSTGRES = [
    """CREATE FUNCTION meetings_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'meetings_minutesaddendum' THEN
        RAISE EXCEPTION 'zaedno: an addendum is never edited' USING ERRCODE = 'check_violation';
      ELSIF TG_TABLE_NAME = 'meetings_meeting' THEN
        IF OLD.status = 'locked' AND (
            NEW.minutes IS DISTINCT FROM OLD.minutes OR NEW.child_views IS DISTINCT FROM OLD.child_views
            OR NEW.parents_views IS DISTINCT FROM OLD.parents_views
            OR NEW.sensitivity IS DISTINCT FROM OLD.sensitivity OR NEW.status IS DISTINCT FROM OLD.status
            OR NEW.starts_at IS DISTINCT FROM OLD.starts_at) THEN
          RAISE EXCEPTION 'zaedno: the minutes are locked' USING ERRCODE = 'check_violation';
        END IF;
      ELSIF TG_TABLE_NAME = 'meetings_participant' THEN
        IF (NEW.attendance IS DISTINCT FROM OLD.attendance OR NEW.attendance_note IS DISTINCT FROM OLD.attendance_note)
            AND EXISTS (SELECT 1 FROM meetings_meeting WHERE id = OLD.meeting_id AND status = 'locked') THEN
          RAISE EXCEPTION 'zaedno: the minutes are locked' USING ERRCODE = 'check_violation';
        END IF;
      ELSIF TG_TABLE_NAME = 'meetings_decision' THEN
        IF (NEW.text IS DISTINCT FROM OLD.text OR NEW.due_on IS DISTINCT FROM OLD.due_on
            OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.responsible_kind IS DISTINCT FROM OLD.responsible_kind
            OR NEW.responsible_user_id IS DISTINCT FROM OLD.responsible_user_id
            OR NEW.responsible_organisation_id IS DISTINCT FROM OLD.responsible_organisation_id
            OR NEW.responsible_name IS DISTINCT FROM OLD.responsible_name)
            AND EXISTS (SELECT 1 FROM meetings_meeting WHERE id = OLD.meeting_id AND status = 'locked') THEN
          RAISE EXCEPTION 'zaedno: the minutes are locked' USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $$""",
    *[
        f"CREATE TRIGGER {table}_locked BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION meetings_locked_guard()"
        for table in ("meetings_meeting", "meetings_participant", "meetings_decision", "meetings_minutesaddendum")
    ],
]
POSTGRES_REVERSE = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_locked ON {table}"
        for table in ("meetings_meeting", "meetings_participant", "meetings_decision", "meetings_minutesaddendum")
    ],
    "DROP FUNCTION IF EXISTS meetings_locked_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
