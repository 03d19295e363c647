"""Settings are read once per process, so each case runs Django in a fresh subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'options': s.DATABASES['default'].get('OPTIONS', {}), "
    "'email': s.EMAIL_BACKEND, 'tz': s.TIME_ZONE, 'hosts': s.ALLOWED_HOSTS}))"
)
CONFIG_VARS = {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY",
               "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL", "TIME_ZONE", "HTTPS",
               "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _django(code_or_args, **env):
    base = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    base["DJANGO_SETTINGS_MODULE"] = "clusterdiag.settings"
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120,
    )


def _settings(**env):
    result = _django(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_are_sqlite_inline_tasks_and_console_email():
    values = _settings(DEBUG="true")

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    # Concurrent writes queue instead of failing (tests/ops/test_concurrent_writes.py).
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert values["options"]["timeout"] >= 5
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["tz"] == "Europe/Paris"


def test_services_come_from_the_environment():
    values = _settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u:p@db.internal:5432/cd",
        CELERY_BROKER_URL="redis://redis:6379/0",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587",
        TIME_ZONE="UTC",
        ALLOWED_HOSTS="clusterdiag.example.org,www.example.org",
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "cd"
    assert values["eager"] is False
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["tz"] == "UTC"
    assert values["hosts"] == ["clusterdiag.example.org", "www.example.org"]


def test_start_up_stops_without_secret_key_when_debug_is_off():
    result = _django(PROBE, DEBUG="false")

    assert result.returncode != 0
    assert ("ImproperlyConfigured: SECRET_KEY is required when DEBUG is off"
            in result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("AXES_FAILURE_LIMIT", "lots")])
def test_start_up_stops_on_a_malformed_value(name, value):
    result = _django(PROBE, SECRET_KEY="x" * 50, **{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be" in result.stderr.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_production_values():
    result = _django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false", SECRET_KEY="k3y-" + "a1b2C3d4" * 8,
        ALLOWED_HOSTS="clusterdiag.example.org",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/clusterdiag",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_peer_minimum_below_five_is_refused_unless_debug_is_on():
    refused = _django(PROBE, DEBUG="false", SECRET_KEY="x" * 50, PEER_MIN_GROUP="4")
    allowed = _django("import django; django.setup(); from django.conf import settings; "
                      "print(settings.PEER_MIN_GROUP)", DEBUG="true", PEER_MIN_GROUP="4")

    assert refused.returncode != 0
    assert ("ImproperlyConfigured: PEER_MIN_GROUP must be at least 5"
            in refused.stderr.strip().splitlines()[-1])
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "4"
