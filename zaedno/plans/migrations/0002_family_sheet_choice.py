# Issue 12, item 9: the family information sheet holds only what the case lead chose.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_alter_timelineentry_kind'),
        ('meetings', '0001_initial'),
        ('plans', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FamilySheet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chosen_at', models.DateTimeField(verbose_name='chosen on')),
                ('version', models.PositiveIntegerField(default=1)),
                ('actions', models.ManyToManyField(blank=True, related_name='+', to='plans.action', verbose_name='plan actions on the sheet')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='family_sheet', to='cases.case')),
                ('chosen_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decisions', models.ManyToManyField(blank=True, related_name='+', to='meetings.decision', verbose_name='decisions on the sheet')),
                ('members', models.ManyToManyField(blank=True, related_name='+', to='cases.teammember', verbose_name='team members named on the sheet')),
            ],
            options={
                'verbose_name': 'family information sheet',
                'verbose_name_plural': 'family information sheets',
            },
        ),
    ]
