"""Downloads: a run's answers (CSV, XLSX), the whole run (JSON), and all the data held
about the person (JSON, from the profile page). Access as on the review page: 404."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from diagnostic.access import get_diagnostic_for_user
from diagnostic.display import answer_rows

from . import exports

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _name(diagnostic) -> str:
    return f"{slugify(diagnostic.cluster.name) or 'cluster'}-run-{diagnostic.run}"


@never_cache
def run_answers_csv(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk)
    return _download(exports.answers_csv(answer_rows(diagnostic)), "csv", _name(diagnostic))


@never_cache
def run_answers_xlsx(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk)
    content = exports.answers_xlsx(answer_rows(diagnostic), title=diagnostic.cluster.name)
    return _download(content, "xlsx", _name(diagnostic))


@never_cache
def run_json(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk,
                                         related=("cluster", "version", "score__method"))
    return _download(exports.to_json(exports.run_data(diagnostic)), "json", _name(diagnostic))


@never_cache
@login_required
def my_data(request):
    return _download(exports.to_json(exports.person_data(request.user)), "json", "my-data")
