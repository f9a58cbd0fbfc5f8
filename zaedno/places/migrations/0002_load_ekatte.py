"""Load the official EKATTE classifier (oblasts, municipalities, settlements) shipped in places/data."""

from django.db import migrations


def load(apps, schema_editor):
    from zaedno.places.loader import load_ekatte

    load_ekatte(apps.get_model("places", "Oblast"), apps.get_model("places", "Municipality"), apps.get_model("places", "Settlement"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
