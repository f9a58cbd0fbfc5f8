"""Planned moves (a move proposed before it happens, decided by the team, recorded in the history
when it happens) and the reason a move goes against an agreed goal of the plan."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_signal_moved_to_signals"),
        ("children", "0003_merged_into_partial_index"),
        ("episodes", "0001_initial"),
        ("meetings", "0003_decision_move_and_due_changes"),
        ("organisations", "0002_alter_organisation_kind_coverage"),
        ("resources", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="move",
            name="plan_reason",
            field=models.TextField(blank=True, verbose_name="why, against the plan"),
        ),
        migrations.CreateModel(
            name="PlannedMove",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("social_service", "social service"),
                            ("school", "school"),
                            ("kindergarten", "kindergarten"),
                            ("placement", "placement (foster care, ЦНСТ, relatives)"),
                            ("health_residential", "health or residential care"),
                            ("other", "other"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "family",
                    models.CharField(
                        choices=[
                            ("services", "services"),
                            ("schools", "schools and kindergartens"),
                            ("placements", "placements"),
                        ],
                        editable=False,
                        max_length=12,
                    ),
                ),
                (
                    "placement_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("foster_care", "foster care"),
                            ("cnst", "family-type placement centre (ЦНСТ)"),
                            ("relatives", "with relatives or close friends"),
                            ("other", "other placement"),
                        ],
                        max_length=12,
                        verbose_name="type of placement",
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=200, verbose_name="name")),
                ("planned_on", models.DateField(verbose_name="planned for")),
                ("proposed_by", models.CharField(max_length=200, verbose_name="proposed by")),
                ("note", models.TextField(blank=True, verbose_name="about the proposal")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "proposed, not yet happened"),
                            ("carried_out", "carried out"),
                            ("withdrawn", "withdrawn"),
                        ],
                        default="proposed",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("withdraw_reason", models.TextField(blank=True, verbose_name="why it was withdrawn")),
                ("created_at", models.DateTimeField()),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="planned_moves",
                        to="children.child",
                    ),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.decision",
                        verbose_name="team decision on the move",
                    ),
                ),
                (
                    "from_episode",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="planned_moves",
                        to="episodes.episode",
                        verbose_name="the child leaves",
                    ),
                ),
                (
                    "move",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="planned",
                        to="episodes.move",
                        verbose_name="move",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="resources.service",
                        verbose_name="service on the map",
                    ),
                ),
            ],
            options={
                "verbose_name": "planned move",
                "verbose_name_plural": "planned moves",
                "ordering": ["planned_on", "id"],
                "indexes": [models.Index(fields=["child", "status"], name="episodes_pl_child_i_1a69d8_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("service__isnull", False),
                            ("organisation__isnull", False),
                            models.Q(("name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="planned_move_where_named",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "carried_out"), _negated=True),
                            ("move__isnull", False),
                            _connector="OR",
                        ),
                        name="planned_move_carried_out_has_move",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "withdrawn"), _negated=True),
                            models.Q(("withdraw_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="planned_move_withdrawn_has_reason",
                    ),
                ],
            },
        ),
    ]
