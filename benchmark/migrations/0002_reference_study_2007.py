from django.db import migrations

from benchmark.reference import read_reference_file, reference_study_load


def load_study_2007(apps, schema_editor):
    reference_study_load(data=read_reference_file(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("benchmark", "0001_initial")]

    operations = [migrations.RunPython(load_study_2007, migrations.RunPython.noop)]
