import json
from pathlib import Path

from django.db import migrations

from benchmark.services import scoring_method_load

DATA = Path(__file__).resolve().parent.parent / "data" / "method_2026_1.json"


def load(apps, schema_editor):
    scoring_method_load(data=json.loads(DATA.read_text(encoding="utf-8")), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("benchmark", "0002_reference_study_2007")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
