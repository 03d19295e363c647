from django.db import migrations

from diagnostic.questionnaire.load import questionnaire_load, read_version_file


def load_v2(apps, schema_editor):
    # Published: new runs start on it; runs already on 2026.1 keep their version.
    questionnaire_load(data=read_version_file("v2.json"), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0008_question_show_if_drives")]

    operations = [migrations.RunPython(load_v2, migrations.RunPython.noop)]
