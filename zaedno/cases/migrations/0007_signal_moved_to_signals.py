# The signal became a record of its own, before any case (app ``signals``); its rows were copied
# there by signals/0002_from_cases, so the old table goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_lead_handover_deputy'),
        ('signals', '0002_from_cases'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='signal',
            name='case',
        ),
        migrations.RemoveField(
            model_name='signal',
            name='received_by',
        ),
        migrations.RemoveField(
            model_name='signal',
            name='reporter_organisation',
        ),
        migrations.DeleteModel(
            name='Signal',
        ),
    ]
