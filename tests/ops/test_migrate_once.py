"""Migrations once, with two hosts each starting its own migration step (systemd, no Compose):
two `manage.py migrate_once` started together on a fresh PostgreSQL database both succeed
and every migration is recorded once.

To make the two runs meet for certain, the test holds the advisory lock itself while they
start, waits until both are queued behind it, and lets go: they then race for the lock
exactly as two hosts booting together would. Two plain `migrate` runs in this position
fail (a relation that already exists) or record a migration twice."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.db.migrations.loader import MigrationLoader

from clusterdiag.management.commands.migrate_once import MIGRATE_LOCK_KEY

from .servers import ROOT, create_database, database_url, drop_database, postgres_admin_url


@pytest.fixture
def empty_database_url():
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("needs PostgreSQL (scripts/test sets DATABASE_URL)")
    name = create_database(admin, "clusterdiag_migrate")
    yield database_url(admin, name)
    drop_database(admin, name)


def _waiting_for_lock(db) -> int:
    """How many sessions wait for the migration lock (held by the test)."""
    return db.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND ((classid::bigint << 32) | objid::bigint) = %s", [MIGRATE_LOCK_KEY]).fetchone()[0]


def test_two_hosts_migrating_at_once_apply_each_migration_once(empty_database_url):
    env = {**os.environ, "DATABASE_URL": empty_database_url}
    with psycopg.connect(empty_database_url, autocommit=True) as db:
        db.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        hosts = [subprocess.Popen(
            [sys.executable, "manage.py", "migrate_once", "-v", "1"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        deadline = time.monotonic() + 60
        while _waiting_for_lock(db) < 2:
            assert time.monotonic() < deadline, "the two runs never queued for the lock"
            assert all(h.poll() is None for h in hosts), [h.communicate()[0] for h in hosts]
            time.sleep(0.1)
        db.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
        outputs = [h.communicate(timeout=300)[0] for h in hosts]
        assert [h.returncode for h in hosts] == [0, 0], "\n----\n".join(outputs)

        recorded = db.execute("SELECT app, name FROM django_migrations").fetchall()
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    assert sorted(recorded) == sorted(on_disk)
    # One run applied them; the other found nothing left to do.
    assert sum("No migrations to apply." in out for out in outputs) == 1, outputs
