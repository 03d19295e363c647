"""Exports people can open: a run's answers in words as CSV (UTF-8 with BOM, so that
spreadsheet programs read accents) and XLSX, the whole run as JSON, and everything held
about a person and their clusters. Builders return bytes; the views only wrap them."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl import Workbook

from diagnostic.display import answer_rows, profile_in_words
from diagnostic.models import Cluster, Diagnostic
from plans.models import Action, ActionPlan

from .models import ApiToken
from .serializers import ClusterSerializer, PlanSerializer, score_data

# A cell starting with one of these is a formula to Excel and LibreOffice ("=HYPERLINK(...)"
# typed as an answer would run on the reader's machine): such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _header() -> list[str]:
    return [_("Section"), _("Question"), _("Answer")]


def _table(rows: list[dict]) -> list[list[str]]:
    return [_header()] + [[neutralise(r["section"]), neutralise(r["question"]),
                           neutralise(r["answer"])] for r in rows]


def answers_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_table(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def answers_xlsx(rows: list[dict], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    # A sheet title has at most 31 characters and none of []:*?/\
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "answers"
    for row in _table(rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(diagnostic: Diagnostic) -> dict | None:
    actions = Action.objects.select_related("owner", "funding").order_by("position", "pk")
    plan = (ActionPlan.objects.filter(diagnostic=diagnostic)
            .prefetch_related(Prefetch("actions", queryset=actions)).first())
    return PlanSerializer(plan).data if plan else None


def run_data(diagnostic: Diagnostic) -> dict:
    """The whole run: the profile it was submitted with, its answers in words, its index
    and its plan."""
    return {"cluster": diagnostic.cluster.name, "run": diagnostic.run,
            "version": diagnostic.version.code, "status": diagnostic.get_status_display(),
            "submitted_at": diagnostic.submitted_at,
            "profile": profile_in_words(diagnostic.profile),
            "answers": answer_rows(diagnostic), "score": score_data(diagnostic),
            "plan": _plan(diagnostic)}


def to_json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def person_data(user) -> dict:
    """Data portability: the account, its API tokens (names, never secrets) and every
    cluster of the person's team with all its runs. Clusters the person only follows as a
    facilitator are other people's data and are left out."""
    clusters = Cluster.objects.filter(memberships__user=user).order_by("name", "pk")
    runs = (Diagnostic.objects.filter(cluster__in=clusters)
            .select_related("cluster", "version", "score__method").order_by("cluster", "run"))
    return {
        "account": {"email": user.email, "first_name": user.first_name,
                    "last_name": user.last_name, "language": user.language,
                    "date_joined": user.date_joined, "last_login": user.last_login},
        "api_tokens": list(ApiToken.objects.filter(user=user).values(
            "name", "prefix", "created_at", "last_used_at", "revoked_at")),
        "clusters": [{**ClusterSerializer(cluster).data,
                      "role": cluster.memberships.get(user=user).get_role_display(),
                      "runs": [run_data(run) for run in runs if run.cluster_id == cluster.pk]}
                     for cluster in clusters],
    }
