from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("actor_username", models.CharField(blank=True, max_length=150)),
                ("channel", models.CharField(max_length=10, choices=[("web", "web"), ("api", "API"), ("cli", "command line"), ("task", "background task"), ("system", "system")])),
                ("kind", models.CharField(max_length=10, choices=[("read", "read"), ("write", "write"), ("access", "access decision"), ("system", "system")])),
                ("action", models.CharField(max_length=60)),
                ("case_id", models.BigIntegerField(blank=True, null=True)),
                ("object_type", models.CharField(blank=True, max_length=40)),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("ip", models.CharField(blank=True, max_length=45)),
                ("user_agent", models.CharField(blank=True, max_length=300)),
                ("reason", models.TextField(blank=True)),
                ("details", models.JSONField(blank=True, default=dict)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"ordering": ["seq"], "verbose_name": "audit event", "verbose_name_plural": "audit events"},
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["case_id", "kind", "at"], name="audit_case_kind_at"),
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0" * 64, max_length=64)),
            ],
            options={"constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_head_singleton")]},
        ),
    ]
