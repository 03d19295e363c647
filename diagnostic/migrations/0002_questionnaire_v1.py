from django.db import migrations

from diagnostic.questionnaire.load import questionnaire_load, read_version_file


def load_v1(apps, schema_editor):
    questionnaire_load(data=read_version_file("v1.json"), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0001_initial")]

    operations = [migrations.RunPython(load_v1, migrations.RunPython.noop)]
