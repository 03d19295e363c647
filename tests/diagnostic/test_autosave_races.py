"""The answers' save against other writers of the same run, with real concurrent
transactions: a double click, and a colleague's submission. On PostgreSQL the save is one
statement (the draft's conditional update feeding the answers' upsert); these tests hold
the draft's row lock in one connection while saves wait for it in others."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from diagnostic import services
from diagnostic.models import Answer, Diagnostic, Question

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="waits for row locks: PostgreSQL only"),
]


def _save_in_thread(team, question, value, outcomes: list) -> threading.Thread:
    """answers_save in a thread of its own (so a connection of its own); its outcome, the
    value returned or the exception raised, is appended to `outcomes`."""
    def save():
        try:
            outcomes.append(services.answers_save(
                diagnostic=team.diagnostic, user=team.member, values={question: value},
                section_key="motives"))
        except Exception as error:  # the test reads what happened
            outcomes.append(error)
        finally:
            connections.close_all()
    thread = threading.Thread(target=save)
    thread.start()
    return thread


def _wait_until_waiting_for_a_lock(count: int) -> None:
    """Until `count` other connections wait for a lock (the draft's row held here)."""
    deadline = time.monotonic() + 10
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh, not cached
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                           "'Lock' AND datname = current_database()")
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} saves never waited for the draft's row")


def test_two_saves_of_one_answer_at_once_both_succeed(reference_data, team):
    """A double click: two saves of the same answer while the draft's row is busy. Both
    wait for it; the second then updates the answer the first inserted (no error, no 500)."""
    question = Question.objects.get(section__version=team.diagnostic.version_id,
                                    key="main_objectives")
    outcomes: list = []
    with transaction.atomic():
        Diagnostic.objects.select_for_update().get(pk=team.diagnostic.pk)
        threads = [_save_in_thread(team, question, "Reach Asia", outcomes) for _ in range(2)]
        _wait_until_waiting_for_a_lock(2)
    for thread in threads:
        thread.join(timeout=10)

    assert outcomes == [1, 1]
    assert list(Answer.objects.filter(diagnostic=team.diagnostic).values_list(
        "value", flat=True)) == ["Reach Asia"]


def test_a_save_waiting_for_a_submission_stores_nothing(reference_data, team):
    """A colleague submits while a save waits for the draft's row: once the submission
    commits, the save finds the run submitted, stores nothing and says so (the autosave
    answers 409)."""
    question = Question.objects.get(section__version=team.diagnostic.version_id,
                                    key="main_objectives")
    outcomes: list = []
    with transaction.atomic():
        Diagnostic.objects.select_for_update().get(pk=team.diagnostic.pk)
        thread = _save_in_thread(team, question, "Too late", outcomes)
        _wait_until_waiting_for_a_lock(1)
        Diagnostic.objects.filter(pk=team.diagnostic.pk).update(status="submitted")
    thread.join(timeout=10)

    assert len(outcomes) == 1
    assert isinstance(outcomes[0], services.DiagnosticLocked)
    assert not Answer.objects.filter(diagnostic=team.diagnostic).exists()
