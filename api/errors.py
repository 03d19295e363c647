"""Every refusal of the API as JSON with a message: {"message": "...", "status": 404},
plus the invalid fields of a bad query when there are some."""

from django.utils.translation import gettext as _
from rest_framework.views import exception_handler


def _message(detail) -> str:
    if isinstance(detail, dict):
        return _("Some parameters are not valid.")
    if isinstance(detail, list):
        return " ".join(str(d) for d in detail)
    return str(detail)


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 page, logged
    detail = response.data.get("detail", response.data) if isinstance(
        response.data, dict) else response.data
    body = {"message": _message(detail), "status": response.status_code}
    if isinstance(detail, dict):
        body["errors"] = {k: [str(m) for m in (v if isinstance(v, list) else [v])]
                          for k, v in detail.items()}
    response.data = body
    return response

