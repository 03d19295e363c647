"""Web security over every URL of the site: no unsafe request without a CSRF token, no GET
that writes, and the security headers and cookies of production on every answer.

`manage.py check --deploy --fail-level WARNING` is run with production values by
tests/clusterdiag/test_settings.py::test_check_deploy_is_clean_with_production_values.
"""

import importlib.util
import re
import types

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import all_routes, changed_tables, table_checksums
from .test_url_access import REGISTRY

pytestmark = pytest.mark.django_db

UNSAFE = ["post", "put", "patch", "delete"]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|ALTER|CREATE|DROP)\b", re.I)


def _urls(world) -> dict[str, str]:
    """Every URL of the site, with the world's objects as parameters."""
    return {route.name: reverse(route.name, kwargs=REGISTRY[route.name](world))
            if route.kwargs else reverse(route.name)
            for route in all_routes() if not route.kwargs or route.name in REGISTRY}


def _people(world) -> dict:
    return {"anonymous": None, "manager": world.manager, "member": world.member,
            "facilitator": world.follower, **world.outsiders}


def _client(user, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def test_no_unsafe_request_goes_through_without_a_csrf_token(world):
    client = _client(world.member, enforce_csrf_checks=True)
    data = {"email": "x@example.org", "body": "x", "_questions": "main_objectives",
            "q_main_objectives": "x", "username": world.member.email, "password": "x"}
    before = table_checksums()
    accepted = []
    for name, url in _urls(world).items():
        for method in UNSAFE:
            if method == "post":
                response = client.post(url, data)
            else:
                response = getattr(client, method)(url, data="x=1",
                                                   content_type="application/x-www-form-urlencoded")
            if response.status_code != 403:
                accepted.append(f"{method.upper()} {name}: {response.status_code}")

    assert accepted == []
    assert changed_tables(before, table_checksums()) == []


def test_no_get_writes_to_the_database(world):
    urls = _urls(world)
    writes = []
    for role, user in _people(world).items():
        client = _client(user)
        before = table_checksums()
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            writes += [f"{role} GET {name}: {q['sql'][:80]}" for q in queries.captured_queries
                       if WRITE.match(q["sql"])]
        changed = changed_tables(before, table_checksums())
        assert changed == [], f"GETs as {role} changed {changed}"

    assert writes == []


def _production_settings(monkeypatch) -> types.ModuleType:
    """clusterdiag/settings.py as production reads it: DEBUG off, HTTPS on."""
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("HTTPS", "true")
    monkeypatch.setenv("SECRET_KEY", "k3y-" + "a1b2C3d4" * 8)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "BEHIND_PROXY"):
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.find_spec("clusterdiag.settings")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECURITY_SETTINGS = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


@pytest.fixture
def production(settings, monkeypatch):
    prod = _production_settings(monkeypatch)
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(prod, name))
    return prod


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0].lower(): p[1:] for p in parts}


def _header_problems(response) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    directives = _directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"script-src {scripts}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {directives.get('frame-ancestors')}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    hsts = response.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    if not age or int(age.group(1)) < 31536000 or "includeSubDomains" not in hsts:
        problems.append(f"HSTS {hsts!r}")
    return problems


def test_production_settings_are_secure(production):
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE and production.SESSION_COOKIE_HTTPONLY
    assert production.CSRF_COOKIE_SECURE
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 31536000


def test_every_answer_carries_the_security_headers(world, production):
    urls = _urls(world)
    problems = []
    for role, user in _people(world).items():
        client = _client(user)
        for name, url in urls.items():
            response = client.get(url, secure=True)
            problems += [f"{role} GET {name} ({response.status_code}): {p}"
                         for p in _header_problems(response)]

    assert problems == []


def test_plain_http_is_sent_to_https(world, production):
    response = Client().get(reverse("diagnostic:cluster_detail", args=[world.cluster.pk]))

    assert response.status_code == 301
    assert response.url.startswith("https://")


def test_session_and_csrf_cookies_are_secure_and_http_only(world, production, settings):
    client = Client()
    page = client.get(reverse("login"), secure=True)
    login = client.post(reverse("login"), {"username": world.manager.email,
                                           "password": "Correct-Horse-42",
                                           "csrfmiddlewaretoken": page.context["csrf_token"]},
                        secure=True)

    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] in ("Lax", "Strict")
    assert csrf["secure"] and csrf["httponly"]
