"""Racing edits of one plan action: of two saves based on the same revision, exactly one
wins and the other is told of the conflict; no update is ever lost."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from plans import services as plan_services
from plans.models import Action
from tests.factories import plan_for

PAIRS = 200


@pytest.fixture
def action(transactional_db, reference_data, team):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    return plan_for(team).actions.order_by("pk").first()


def test_racing_edits_of_one_action_give_one_success_and_one_conflict(action, team):
    users = {"manager": team.manager, "member": team.member}
    barrier = threading.Barrier(2)

    def save(who, revision, pair):
        barrier.wait(timeout=30)
        try:
            plan_services.action_update(
                action=action, user=users[who], revision=revision,
                fields={"title": f"pair {pair} by {who}", "start_date": action.start_date,
                        "due_date": action.due_date, "owner": None,
                        "owner_role": "Cluster manager"})
        except plan_services.PlanConflict:
            return "conflict"
        finally:
            connections.close_all()  # this thread's connection
        return "saved"

    outcomes, lost = [], []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for pair in range(PAIRS):
            revision = Action.objects.get(pk=action.pk).revision
            futures = {who: pool.submit(save, who, revision, pair) for who in users}
            result = {who: future.result(timeout=60) for who, future in futures.items()}
            outcomes.append(sorted(result.values()))
            stored = Action.objects.get(pk=action.pk)
            winner = next(who for who, r in result.items() if r == "saved") \
                if "saved" in result.values() else None
            if stored.title != f"pair {pair} by {winner}" or stored.revision != revision + 1:
                lost.append((pair, result, stored.title, stored.revision))

    assert outcomes == [["conflict", "saved"]] * PAIRS
    assert lost == []
    assert Action.history.filter(id=action.pk).count() >= PAIRS
