"""Matching on SQLite, the embedded default: it works, more simply, and the page says so.

The suite runs on PostgreSQL, so the first test runs the second in a pytest of its own on a
SQLite database (as `DATABASE_URL=sqlite:///…` would set up the site); the second runs only
there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from partners import matching, services
from tests.factories import ClusterFactory, MembershipFactory, UserFactory, published_profile

ROOT = Path(__file__).resolve().parents[2]


def test_matching_on_sqlite_in_a_run_of_its_own(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("this is the SQLite run itself")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("CELERY_BROKER_URL", None)  # no broker: tasks run inline, as scripts/run does
    result = subprocess.run(  # noqa: S603 - this interpreter, this project's own test
        [sys.executable, "-m", "pytest", "-q", "--no-migrations",
         f"{Path(__file__).relative_to(ROOT)}::test_matching_is_simpler_and_says_so"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def _team(name, country, **profile):
    manager = UserFactory()
    cluster = MembershipFactory(user=manager, cluster=ClusterFactory(name=name,
                                                                     country=country)).cluster
    return published_profile(cluster=cluster, **profile), manager


@pytest.mark.django_db
def test_matching_is_simpler_and_says_so():
    if connection.vendor != "sqlite":
        pytest.skip("run on SQLite by the test above")
    viewer, manager = _team("Viewer", "DE", themes="hydrogen storage", target_countries=",FR,",
                            partner_types_sought=",research,", working_languages=",en,")
    good, _manager = _team("Good fit", "FR", themes="textiles", target_countries=",DE,",
                           partner_types_offered=",research,", working_languages=",en,")
    _team("Weak fit", "IT", themes="hydrogen storage", target_countries=",ES,",
          partner_types_offered=",investors,", working_languages=",it,")
    client = Client()
    client.force_login(manager)
    url = reverse("partners:matches", args=[viewer.cluster_id])

    response = client.get(url)

    assert response.status_code == 200
    assert "Simpler matching" in response.text
    rows = response.context["rows"]
    # Ranked on countries, types and languages; the same theme words count for nothing.
    assert [r["profile"].name for r in rows] == ["Good fit", "Weak fit"]
    assert {f.key for f in rows[0]["factors"]} == set(matching.WEIGHTS) - set(
        matching.TEXT_FACTORS)
    services.profile_withdraw(profile=good, user=_manager)
    assert [r["profile"].name for r in client.get(url).context["rows"]] == ["Weak fit"]
