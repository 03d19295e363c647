"""Writes of the imported benchmark sets: check a file, keep it as a draft to preview,
publish it, withdraw it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostic.models import Option, Question

from . import imported
from .imported_models import ImportedFigure, ImportedReference
from .models import ScoringMethod, min_group_size


def _known_keys() -> tuple[dict[str, set[str]], set[str]]:
    """The questions and options of every questionnaire version (a set may be older than
    the current one) and the dimensions of every method, in two queries."""
    options: dict[str, set[str]] = {}
    for question, option in Option.objects.filter(
            question__kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE]).values_list(
            "question__key", "key"):
        options.setdefault(question, set()).add(option)
    dimensions = {d["key"] for definition in ScoringMethod.objects.values_list(
        "definition", flat=True) for d in definition.get("dimensions", [])}
    return options, dimensions


def imported_file_check(*, name: str, content: bytes) -> list[imported.RowCheck]:
    """Every row of the file with its message; FileError when the file cannot be read."""
    options, dimensions = _known_keys()
    rows = imported.read_table(name=name, content=content)
    return imported.check_rows(rows, options=options, dimensions=dimensions,
                               min_n=min_group_size(), this_year=timezone.now().year)


@transaction.atomic
def imported_reference_create(*, title: dict[str, str], file_name: str,
                              checks: list[imported.RowCheck], user) -> ImportedReference:
    """A draft with all the file's figures; a file with any bad row changes nothing."""
    if not checks or not all(check.is_valid for check in checks):
        raise ValidationError(_("The file has rows with errors: nothing was imported."))
    reference = ImportedReference(title=title, file_name=file_name[:255], uploaded_by=user)
    reference.full_clean()
    reference.save()
    figures = [ImportedFigure(reference=reference, **check.fields) for check in checks]
    for figure in figures:
        figure.full_clean(exclude=["reference"])
    ImportedFigure.objects.bulk_create(figures)
    return reference


# The cached results pages are keyed on the last publication or withdrawal of a set
# (selectors.results_header): a set shows, or stops showing, at once.


@transaction.atomic
def imported_reference_publish(*, reference: ImportedReference) -> ImportedReference:
    if reference.status != ImportedReference.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published; import the file again to "
                                "publish a withdrawn set."))
    reference.status = ImportedReference.Status.PUBLISHED
    reference.published_at = timezone.now()
    reference.save(update_fields=["status", "published_at"])
    return reference


@transaction.atomic
def imported_reference_withdraw(*, reference: ImportedReference) -> ImportedReference:
    if reference.status == ImportedReference.Status.WITHDRAWN:
        return reference
    reference.status = ImportedReference.Status.WITHDRAWN
    reference.withdrawn_at = timezone.now()
    reference.save(update_fields=["status", "withdrawn_at"])
    return reference
