"""A decision about a move names from where to where (``kind = move``, ``move_from``, ``move_to``);
a decision's due date moves only with a recorded change (``DecisionDueChange``: from, to, who, why).

The lock on the minutes (migration 0002) keeps a decision's words, who and when fixed once the
meeting is locked. A due date is the one thing the team may still move after that, and only
with its change recorded: the trigger now lets ``due_on`` change when a ``DecisionDueChange`` row
for exactly that change exists (written first by ``meetings.services.decision_due_change``), and
it guards the new ``move_from``/``move_to`` like the decision's words. On SQLite adding the
columns rebuilds ``meetings_decision`` and drops its trigger, so it is created again here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SQLITE = [
    "DROP TRIGGER IF EXISTS meetings_decision_locked",
    """CREATE TRIGGER meetings_decision_locked BEFORE UPDATE ON meetings_decision
    FOR EACH ROW WHEN (NEW.text IS NOT OLD.text OR NEW.kind IS NOT OLD.kind
        OR NEW.move_from IS NOT OLD.move_from OR NEW.move_to IS NOT OLD.move_to
        OR NEW.responsible_kind IS NOT OLD.responsible_kind OR NEW.responsible_user_id IS NOT OLD.responsible_user_id
        OR NEW.responsible_organisation_id IS NOT OLD.responsible_organisation_id
        OR NEW.responsible_name IS NOT OLD.responsible_name
        OR (NEW.due_on IS NOT OLD.due_on AND NOT EXISTS (
            SELECT 1 FROM meetings_decisionduechange c WHERE c.decision_id = OLD.id
            AND c.old_due_on = OLD.due_on AND c.new_due_on = NEW.due_on)))
        AND (SELECT status FROM meetings_meeting WHERE id = OLD.meeting_id) = 'locked'
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END""",
    """CREATE TRIGGER meetings_decisionduechange_fixed BEFORE UPDATE ON meetings_decisionduechange
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'zaedno: a change of due date is never edited'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_decisionduechange_fixed",
    "DROP TRIGGER IF EXISTS meetings_decision_locked",
    """CREATE TRIGGER meetings_decision_locked BEFORE UPDATE ON meetings_decision
    FOR EACH ROW WHEN (NEW.text IS NOT OLD.text OR NEW.due_on IS NOT OLD.due_on OR NEW.kind IS NOT OLD.kind
        OR NEW.responsible_kind IS NOT OLD.responsible_kind OR NEW.responsible_user_id IS NOT OLD.responsible_user_id
        OR NEW.responsible_organisation_id IS NOT OLD.responsible_organisation_id
        OR NEW.responsible_name IS NOT OLD.responsible_name)
        AND (SELECT status FROM meetings_meeting WHERE id = OLD.meeting_id) = 'locked'
    BEGIN SELECT RAISE(ABORT, 'zaedno: the minutes are locked'); END""",
]

# PostgreSQL: a trigger of its own for the decision (the shared guard function of 0002 still runs
# for the other tables); the 0002 trigger on meetings_decision is replaced by this one.
POSTGRES = [
    "DROP TRIGGER IF EXISTS meetings_decision_locked ON meetings_decision",
    """CREATE FUNCTION meetings_decision_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.text IS DISTINCT FROM OLD.text OR NEW.kind IS DISTINCT FROM OLD.kind
          OR NEW.move_from IS DISTINCT FROM OLD.move_from OR NEW.move_to IS DISTINCT FROM OLD.move_to
          OR NEW.responsible_kind IS DISTINCT FROM OLD.responsible_kind
          OR NEW.responsible_user_id IS DISTINCT FROM OLD.responsible_user_id
          OR NEW.responsible_organisation_id IS DISTINCT FROM OLD.responsible_organisation_id
          OR NEW.responsible_name IS DISTINCT FROM OLD.responsible_name
          OR (NEW.due_on IS DISTINCT FROM OLD.due_on AND NOT EXISTS (
              SELECT 1 FROM meetings_decisionduechange c WHERE c.decision_id = OLD.id
              AND c.old_due_on = OLD.due_on AND c.new_due_on = NEW.due_on)))
          AND EXISTS (SELECT 1 FROM meetings_meeting WHERE id = OLD.meeting_id AND status = 'locked') THEN
        RAISE EXCEPTION 'zaedno: the minutes are locked' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER meetings_decision_locked BEFORE UPDATE ON meetings_decision
    FOR EACH ROW EXECUTE FUNCTION meetings_decision_locked_guard()""",
    """CREATE FUNCTION meetings_due_change_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'zaedno: a change of due date is never edited' USING ERRCODE = 'check_violation';
    END $$""",
    """CREATE TRIGGER meetings_decisionduechange_fixed BEFORE UPDATE ON meetings_decisionduechange
    FOR EACH ROW EXECUTE FUNCTION meetings_due_change_fixed()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_decisionduechange_fixed ON meetings_decisionduechange",
    "DROP FUNCTION IF EXISTS meetings_due_change_fixed()",
    "DROP TRIGGER IF EXISTS meetings_decision_locked ON meetings_decision",
    "DROP FUNCTION IF EXISTS meetings_decision_locked_guard()",
    """CREATE TRIGGER meetings_decision_locked BEFORE UPDATE ON meetings_decision
    FOR EACH ROW EXECUTE FUNCTION meetings_locked_guard()""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_signal_moved_to_signals"),
        ("meetings", "0002_locked_minutes_guard"),
        ("organisations", "0002_alter_organisation_kind_coverage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionDueChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_due_on", models.DateField(verbose_name="due date before")),
                ("new_due_on", models.DateField(verbose_name="new due date")),
                ("reason", models.TextField(verbose_name="reason")),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "change of due date",
                "verbose_name_plural": "changes of due date",
                "ordering": ["changed_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="decision",
            name="move_from",
            field=models.CharField(blank=True, max_length=200, verbose_name="moves from"),
        ),
        migrations.AddField(
            model_name="decision",
            name="move_to",
            field=models.CharField(blank=True, max_length=200, verbose_name="moves to"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "general"),
                    ("protection_measure", "protection measure"),
                    ("crisis_intervention", "crisis intervention"),
                    ("follow_up", "long-term follow-up"),
                    ("closure", "closing the case"),
                    ("move", "move of the child to another school or service"),
                ],
                default="",
                max_length=20,
                verbose_name="about",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "move"), _negated=True),
                    models.Q(
                        models.Q(("move_from", ""), _negated=True), models.Q(("move_to", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="decision_move_names_places",
            ),
        ),
        migrations.AddField(
            model_name="decisionduechange",
            name="changed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="decisionduechange",
            name="decision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="due_changes",
                to="meetings.decision",
            ),
        ),
        migrations.AddConstraint(
            model_name="decisionduechange",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason", ""), _negated=True), name="decision_due_change_has_reason"
            ),
        ),
        migrations.AddConstraint(
            model_name="decisionduechange",
            constraint=models.CheckConstraint(
                condition=models.Q(("old_due_on", models.F("new_due_on")), _negated=True),
                name="decision_due_change_changes",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
