from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("read", "read"),
                    ("write", "write"),
                    ("access", "access decision"),
                    ("denied", "access refused"),
                    ("system", "system"),
                ],
                max_length=10,
            ),
        ),
    ]
