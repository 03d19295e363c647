import json
from pathlib import Path

from django.db import migrations

from benchmark.services import scoring_method_load

DATA = Path(__file__).resolve().parent.parent / "data" / "method_2026_2.json"


def load(apps, schema_editor):
    """Method 2026.2 becomes current. Stored scores keep 2026.1 (their method column says
    so); the next refresh of the peer statistics re-scores the peers under 2026.2."""
    scoring_method_load(data=json.loads(DATA.read_text(encoding="utf-8")), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("benchmark", "0006_method_2026_2_and_peer_methods")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
