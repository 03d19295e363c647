"""Every text of the shipped data files, in every language they have, into the database:
how a new language (or a corrected translation, with --overwrite) reaches a database
whose questionnaire, playbook, study and method versions were loaded before. It lives
in plans, the highest app whose data it refreshes."""

from django.core.management.base import BaseCommand

from benchmark.services import benchmark_files_refresh
from diagnostic.questionnaire.load import questionnaire_files_refresh
from plans.playbook.load import playbook_files_refresh


class Command(BaseCommand):
    help = ("Store the texts of the questionnaire, playbook, study and scoring method files "
            "in every language they have. A language already stored is kept (an "
            "administrator may have corrected it) unless --overwrite.")

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true",
                            help="let the files' texts replace those already stored")

    def handle(self, *args, overwrite=False, **options):
        counts = {"questionnaire": questionnaire_files_refresh(overwrite=overwrite),
                  "playbook": playbook_files_refresh(overwrite=overwrite),
                  "study and method": benchmark_files_refresh(overwrite=overwrite)}
        self.stdout.write(self.style.SUCCESS("; ".join(
            f"{name}: {count} row(s) updated" for name, count in counts.items())))
