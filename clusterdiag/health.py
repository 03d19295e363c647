"""Checks behind /healthz: each returns "ok", "not configured" or a short error."""

import redis
from django.conf import settings
from django.db import connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down", whatever its class
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    timeout = settings.BROKER_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    finally:
        client.close()
    return "ok"
