import pytest

from clusterdiag.tasks import task_ping
from tests.factories import UserFactory


@pytest.mark.django_db
def test_task_ping_runs_inline_without_a_broker(user):
    assert task_ping.delay(note="inline").get() == {"note": "inline", "users": 1}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_the_real_worker(celery_worker):
    UserFactory.create_batch(3)

    result = task_ping.delay(note="through redis")

    assert result.get(timeout=30) == {"note": "through redis", "users": 3}
