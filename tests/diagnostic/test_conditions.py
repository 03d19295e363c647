"""Conditional questions: the rules (table-driven), and what the server does with them."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from diagnostic import services
from diagnostic.conditions import shown_keys
from diagnostic.models import Answer, Question
from tests.factories import answer_everything, step_data


def _q(key, show_if=()):
    return SimpleNamespace(key=key, show_if=list(show_if))


CHAIN = [
    _q("first_contact_by"),
    _q("facilitator_needed"),
    _q("facilitator_kind", [{"question": "facilitator_needed",
                             "any_of": ["facilitator_yes", "facilitator_maybe"]},
                            {"question": "first_contact_by", "any_of": ["by_facilitator"]}]),
    _q("facilitator_detail", [{"question": "facilitator_kind", "answered": True}]),
    _q("expected_barriers"),
    _q("reduce_q3_trust", [{"question": "expected_barriers", "any_of": ["q3_trust"]}]),
]


@pytest.mark.parametrize(("values", "shown"), [
    ({}, {"first_contact_by", "facilitator_needed", "expected_barriers"}),
    ({"facilitator_needed": "facilitator_no"},
     {"first_contact_by", "facilitator_needed", "expected_barriers"}),
    ({"facilitator_needed": "facilitator_maybe"},
     {"first_contact_by", "facilitator_needed", "facilitator_kind", "expected_barriers"}),
    ({"first_contact_by": "by_facilitator"},  # any clause shows it
     {"first_contact_by", "facilitator_needed", "facilitator_kind", "expected_barriers"}),
    ({"facilitator_needed": "facilitator_yes", "facilitator_kind": "x"},
     {"first_contact_by", "facilitator_needed", "facilitator_kind", "facilitator_detail",
      "expected_barriers"}),
    # A condition on a hidden question never holds: the chain hides what hangs below.
    ({"facilitator_needed": "facilitator_no", "facilitator_kind": "x"},
     {"first_contact_by", "facilitator_needed", "expected_barriers"}),
    ({"expected_barriers": ["q3_time", "q3_trust"]},
     {"first_contact_by", "facilitator_needed", "expected_barriers", "reduce_q3_trust"}),
    ({"expected_barriers": ["q3_time"]},
     {"first_contact_by", "facilitator_needed", "expected_barriers"}),
])
def test_which_questions_are_shown(values, shown):
    assert shown_keys(CHAIN, values) == shown


pytestmark_db = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"diagnostic:{name}", args=args)


def _value(diagnostic, key):
    answer = Answer.objects.filter(diagnostic=diagnostic, question__key=key).first()
    return answer.value if answer else None


@pytestmark_db
def test_without_javascript_a_save_shows_the_questions_it_opened(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="first_contact")
    url = _url("diagnostic_step", team.diagnostic.pk, "first_contact")
    before = client.get(url)
    assert 'data-question="facilitator_kind" data-show-if=' in before.text
    assert before.context["step"].items()[3]["hidden"] is True  # facilitator_kind

    saved = client.post(url, step_data(section, {"facilitator_needed": "facilitator_yes"}))

    assert saved.url == url  # the same step again, now with the facilitator question
    after = client.get(url)
    item = next(i for i in after.context["step"].items() if i["key"] == "facilitator_kind")
    assert item["hidden"] is False
    nxt = client.post(url, step_data(section, {"facilitator_needed": "facilitator_yes",
                                               "facilitator_kind": "facilitator_een"}))
    assert nxt.url == _url("diagnostic_step", team.diagnostic.pk, "funding")


@pytestmark_db
def test_a_hidden_question_is_not_kept_nor_required_and_not_counted(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="funding")
    url = _url("diagnostic_step", team.diagnostic.pk, "funding")
    client.post(url, step_data(section, {"funding_planned": "funding_yes",
                                         "intl_budget_eur": "80000"}))
    assert _value(team.diagnostic, "intl_budget_eur") == 80000

    client.post(url, step_data(section, {"funding_planned": "funding_not_yet",
                                         "intl_budget_eur": "80000"}))
    page = client.get(url)
    review = client.get(_url("diagnostic_review", team.diagnostic.pk))

    assert _value(team.diagnostic, "intl_budget_eur") is None  # hidden: not kept
    assert (page.context["current"].answered, page.context["current"].total) == (1, 2)
    keys = {i.key for s in review.context["review"] for i in s.items}
    assert "intl_budget_eur" not in keys and "funding_sources" not in keys
    missing = {i.key for s in review.context["review"] for i in s.missing}
    assert "funding_sources" not in missing and "support_fit" in missing


@pytestmark_db
def test_autosave_clears_the_questions_an_answer_hides(client, team):
    client.force_login(team.manager)
    url = _url("diagnostic_autosave", team.diagnostic.pk, "barriers")
    client.post(url, {"_questions": ["expected_barriers", "reduce_q3_trust"],
                      "q_expected_barriers": ["q3_trust"], "q_reduce_q3_trust": "Visits"})
    assert _value(team.diagnostic, "reduce_q3_trust") == "Visits"

    response = client.post(url, {"_questions": ["expected_barriers"],
                                 "q_expected_barriers": ["q3_time"]})

    assert response.json()["saved"] == 1
    assert _value(team.diagnostic, "reduce_q3_trust") is None


@pytestmark_db
def test_submission_drops_the_answers_of_hidden_questions(team):
    answer_everything(team.diagnostic, team.manager)  # every question, hidden ones too
    hidden = Question.objects.get(section__version=team.diagnostic.version,
                                  key="reduce_q3_conflict")
    Answer.objects.filter(diagnostic=team.diagnostic, question=hidden).update(value="typed")

    services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                               benchmark_consent=False)

    assert not Answer.objects.filter(diagnostic=team.diagnostic, question=hidden).exists()
    assert _value(team.diagnostic, "reduce_q3_trust")  # shown: kept


@pytestmark_db
def test_with_javascript_the_opened_questions_were_on_screen_so_a_save_moves_on(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="first_contact")
    url = _url("diagnostic_step", team.diagnostic.pk, "first_contact")

    saved = client.post(url, {**step_data(section, {"facilitator_needed": "facilitator_yes"}),
                              "_shown_live": "1"})

    assert saved.url == _url("diagnostic_step", team.diagnostic.pk, "funding")
