"""The backup drill: scripts/backup dumps a database holding every kind of object,
scripts/restore puts it into a fresh database, and not one row differs."""

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.conftest import _test_database_url
from tests.factories import plan_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump")

CHECKSUMS = """
    SELECT format('SELECT %L, count(*), coalesce(md5(string_agg(t::text, %L ORDER BY t::text)),
                   %L) FROM %I.%I t', tablename, '|', '', schemaname, tablename)
    FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""


def _script(name, *args, **env):
    return subprocess.run(  # noqa: S603 - our own scripts, our own arguments
        [ROOT / "scripts" / name, *args], env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, check=False, timeout=120)


def _checksums(url: str) -> dict:
    """Rows and an md5 of them per table, and where every sequence stands."""
    with psycopg.connect(url) as db:
        queries = [row[0] for row in db.execute(CHECKSUMS)]
        tables = {name: (count, digest) for query in queries
                  for name, count, digest in db.execute(query)}
        sequences = dict(db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))
    return {"tables": tables, "sequences": sequences}


@pytest.fixture
def seeded(transactional_db, reference_data, team):
    """Committed rows of every kind: clusters, team, answers, scores, a plan and its
    actions, comments and history."""
    if connection.vendor != "postgresql":
        pytest.skip("the drill needs PostgreSQL")
    plan = plan_for(team)
    plan.comments.create(author=team.manager, body="Première action validée ✓")
    return plan


@pytest.fixture
def fresh_database():
    source = _test_database_url()
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield source.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_has_every_row(seeded, fresh_database, tmp_path):
    source = _test_database_url()
    dump = tmp_path / "clusterdiag.dump"

    backup = _script("backup", dump, DATABASE_URL=source)
    assert backup.returncode == 0, backup.stderr
    restore = _script("restore", dump, fresh_database)
    assert restore.returncode == 0, restore.stderr

    original, restored = _checksums(source), _checksums(fresh_database)
    assert original["tables"]["diagnostic_actionplan"][0] == 1
    assert original["tables"]["diagnostic_action"][0] >= 1
    assert restored["tables"].keys() == original["tables"].keys()
    assert [t for t in original["tables"]
            if original["tables"][t] != restored["tables"][t]] == []
    assert restored["sequences"] == original["sequences"]


def test_restore_refuses_a_missing_file(tmp_path):
    result = _script("restore", tmp_path / "none.dump")

    assert result.returncode == 2
    assert "usage" in result.stderr
