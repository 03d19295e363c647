import socket
import threading
import time

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db]


def test_healthz_reports_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_with_the_real_broker(client, settings):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured")

    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_healthz_reports_a_stopped_broker_quickly(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    started = time.monotonic()
    response = client.get(reverse("healthz"))

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_healthz_reports_a_hung_broker_within_two_seconds(client, settings):
    # A listener that accepts connections and never answers, like a SIGSTOPped Redis.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    try:
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    finally:
        server.close()

    assert elapsed < 2
    assert response.status_code == 503
    assert response.json()["broker"] == "error: TimeoutError"
