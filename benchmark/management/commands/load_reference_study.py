import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmark.models import ReferenceFigure
from benchmark.reference import read_reference_file, reference_study_load


class Command(BaseCommand):
    help = ("Load the 2007 reference study (benchmark/data/study_2007.json, or FILE): adds "
            "missing figures and never overwrites one already in the database.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a data file of the same shape")

    def handle(self, *args, file=None, **options):
        data = read_reference_file() if file is None else self._read(Path(file))
        keys = {(f["question_key"], f["option_key"]) for f in data["figures"]}
        before = self._present(data["study"]["key"], keys)
        study = reference_study_load(data=data)
        created = self._present(study.key, keys) - before
        self.stdout.write(self.style.SUCCESS(
            f"{study}: {created} figure(s) created, {before} already present."))

    def _read(self, path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error

    def _present(self, study_key, keys):
        """How many of the file's figures the database holds (whatever their values)."""
        rows = ReferenceFigure.objects.filter(study__key=study_key).values_list(
            "question_key", "option_key")
        return len(keys & set(rows))
