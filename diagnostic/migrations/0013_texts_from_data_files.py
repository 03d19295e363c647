"""Store the texts of the shipped data files in every language they have (a language
added to a file after its version was loaded reaches the database on a fresh migrate;
a database already migrated gets it with manage.py refresh_texts)."""

from django.db import migrations

from diagnostic.questionnaire.load import questionnaire_files_refresh


def refresh(apps, schema_editor):
    questionnaire_files_refresh(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0012_texts_in_one_field_per_text")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
