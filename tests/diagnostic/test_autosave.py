"""The autosave, posted every second or so while someone types: what it costs in queries,
and what it keeps of the step's rules while it builds only the fields it is sent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostic import views
from diagnostic.models import Answer, Diagnostic

pytestmark = [pytest.mark.django_db]

# Read from a cache where SESSION_CACHE_URL is set (as deployed, and in the benchmark); the
# tests have none, so they read them from the database.
SESSION_AND_USER = ('FROM "django_session"', 'FROM "clusterdiag_user"')


def _url(diagnostic, section="motives"):
    return reverse("diagnostic:diagnostic_autosave", args=[diagnostic.pk, section])


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite takes the update and the upsert in a transaction")
def test_one_answer_costs_two_statements(client, team):
    """The run with the access check and its stored answers in one statement, then the
    draft's row (the lock a submission waits for) and the answer's upsert in one statement,
    its own transaction: nothing more, however often it runs (the questionnaire comes from
    this process's copy)."""
    client.force_login(team.member)
    data = {"_questions": "main_objectives", "q_main_objectives": "Reach Asia"}
    client.post(_url(team.diagnostic), data)

    with CaptureQueriesContext(connection) as context:
        response = client.post(_url(team.diagnostic), data)

    assert response.json()["saved"] == 1
    statements = [q["sql"] for q in context.captured_queries
                  if not any(table in q["sql"] for table in SESSION_AND_USER)]
    assert len(statements) == 2, "\n".join(statements)
    assert [s.split()[0] for s in statements] == ["SELECT", "WITH"]
    assert statements[1].split()[:2] == ["WITH", "draft"]
    assert Answer.objects.get(diagnostic=team.diagnostic).value == "Reach Asia"


def test_errors_are_in_the_users_language(client, team):
    team.member.language = "fr"
    team.member.save()
    client.force_login(team.member)

    body = client.post(_url(team.diagnostic), {
        "_questions": "motives", "q_motives": ["q1_exchange", "q1_exchange"]}).json()

    assert body["saved"] == 0
    assert body["errors"] == {"q_motives": ["Chaque réponse ne peut être choisie qu'une fois."]}
    assert body["progress"]["section_label"].startswith("Questions de cette section")


def test_a_question_not_named_is_neither_checked_nor_stored(client, team):
    client.force_login(team.member)

    body = client.post(_url(team.diagnostic), {
        "_questions": "main_objectives", "q_main_objectives": "Reach Asia",
        "q_motives": ["q1_exchange", "q1_exchange"]}).json()

    assert body == {**body, "saved": 1, "errors": {}}
    assert list(Answer.objects.filter(diagnostic=team.diagnostic)
                .values_list("question__key", flat=True)) == ["main_objectives"]


def test_progress_counts_the_answers_the_save_left(client, team):
    """The progress is counted from the answers as the save leaves them, not read again:
    the same figures as the step page then shows."""
    client.force_login(team.member)
    client.post(_url(team.diagnostic), {"_questions": "main_objectives",
                                        "q_main_objectives": "Reach Asia"})

    body = client.post(_url(team.diagnostic), {"_questions": "main_objectives",
                                               "q_main_objectives": ""}).json()
    step = client.get(reverse("diagnostic:diagnostic_step",
                              args=[team.diagnostic.pk, "motives"]))

    current = next(p for p in step.context["progress"] if p.section.key == "motives")
    assert body["progress"]["section_label"] == (
        f"This section: {current.answered} of {current.total} answered")
    assert body["progress"]["section_percent"] == current.percent


def _submitted_after_the_access_check(monkeypatch) -> None:
    """A colleague submits the run between the moment the view reads it and its save."""
    read = views.get_diagnostic_for_user

    def read_then_submitted_elsewhere(*args, **kwargs):
        diagnostic = read(*args, **kwargs)
        Diagnostic.objects.filter(pk=diagnostic.pk).update(status="submitted")
        return diagnostic

    monkeypatch.setattr(views, "get_diagnostic_for_user", read_then_submitted_elsewhere)


def test_a_submission_after_the_access_check_is_a_conflict_not_an_error(client, team,
                                                                        monkeypatch):
    """A colleague submits between the moment the run is read and the save: the save
    finds the run locked, stores nothing and answers 409 like a save of a submitted run."""
    client.force_login(team.member)
    _submitted_after_the_access_check(monkeypatch)

    response = client.post(_url(team.diagnostic), {"_questions": "main_objectives",
                                                   "q_main_objectives": "Too late"})

    assert response.status_code == 409
    assert "submitted" in response.json()["error"]
    assert not Answer.objects.filter(diagnostic=team.diagnostic).exists()


def test_a_step_saved_after_a_colleague_submitted_goes_to_the_review_not_an_error(
        client, team, monkeypatch):
    """The same race on the step's own save button: a message and the review, no 500."""
    client.force_login(team.member)
    _submitted_after_the_access_check(monkeypatch)

    response = client.post(
        reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, "motives"]),
        {"q_main_objectives": "Too late", "_action": "next"}, follow=True)

    assert response.redirect_chain[0][0] == reverse("diagnostic:diagnostic_review",
                                                    args=[team.diagnostic.pk])
    assert "can no longer change" in response.content.decode()
    assert not Answer.objects.filter(diagnostic=team.diagnostic).exists()


def test_the_answers_read_with_the_run_are_those_of_their_own_query(team):
    """with_answer_values() brings the answers in the access check's query: the same
    values, of the same types, as answer_values() reads alone (none, null, text, numbers,
    lists)."""
    from diagnostic.access import get_diagnostic_for_user
    from diagnostic.models import Question
    from diagnostic.steps import answer_values, with_answer_values

    def read():
        return answer_values(get_diagnostic_for_user(
            team.member, team.diagnostic.pk, write=True, annotations=with_answer_values()))

    assert read() == {}
    questions = Question.objects.filter(section__version=team.diagnostic.version_id)
    given = [None, "Reach Asia", 12, 12.5, ["q1_exchange"], [{"year": 2020}]]
    Answer.objects.bulk_create(Answer(diagnostic=team.diagnostic, question=q, value=v)
                               for q, v in zip(questions, given, strict=False))

    alone = answer_values(Diagnostic.objects.get(pk=team.diagnostic.pk))
    assert len(alone) == len(given)
    assert read() == alone
    assert [type(v) for v in read().values()] == [type(v) for v in alone.values()]
