"""Everyone present confirms the minutes, or is told why not: a participant's confirmation now
says what was confirmed (``confirmed_level``: the whole minutes, or the part a professional below
their sensitivity may read) and who recorded it (``confirmed_by``: the participant, or the chair
for an oral confirmation, with ``confirmation_note`` saying how and when).

On SQLite adding ``confirmation_note`` rebuilds ``meetings_participant`` and drops the trigger of
migration 0002 that keeps the attendance of locked minutes fixed, so it is created again here.

Named 0003 as agreed, it follows ``0003_decision_move_and_due_changes`` (written at the same
time) so the migrations stay one line.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PARTICIPANT_TRIGGER = """CREATE TRIGGER meetings_participant_locked BEFORE UPDATE ON meetings_participant
    FOR EACH ROW WHEN (NEW.attendance IS NOT OLD.attendance OR NEW.attendance_note IS NOT OLD.attendance_note)
        AND (SELECT status FROM meetings_meeting WHERE id = OLD.meeting_id) = 'locked'
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END"""


def _recreate_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS meetings_participant_locked")
        schema_editor.execute(PARTICIPANT_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_decision_move_and_due_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="confirmed_level",
            field=models.PositiveSmallIntegerField(
                blank=True, choices=[(1, "Basic: identity, team, dates"), (2, "Standard: case work, plans, school"), (3, "Sensitive: violence, health, police records")], null=True,
                verbose_name="sharing level of the part confirmed",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to=settings.AUTH_USER_MODEL, verbose_name="confirmation recorded by",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="confirmation_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="how the confirmation was given"),
        ),
        migrations.RunPython(_recreate_trigger, migrations.RunPython.noop),
    ]
