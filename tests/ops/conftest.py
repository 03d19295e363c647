import os

import pytest

from .servers import create_database, database_url, drop_database, manage, postgres_admin_url


@pytest.fixture(scope="session")
def migrated_template():
    """The name of a PostgreSQL database migrated once in this test process, for the tests
    that serve a database of their own to copy (CREATE DATABASE ... TEMPLATE takes about a
    second; migrating from nothing took 16 to 20 s each time). None without PostgreSQL."""
    admin = postgres_admin_url()
    if admin is None:
        yield None
        return
    name = create_database(admin, "clusterdiag_template")
    try:
        # No broker: nothing is queued while migrating.
        manage({"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DATABASE_URL": database_url(admin, name), "DEBUG": "true",
                "SECRET_KEY": "tests-only-not-a-secret", "HTTPS": "false",
                "CELERY_BROKER_URL": "", "LOG_LEVEL": "WARNING"},
               "migrate", "--noinput", "-v0")
        yield name
    finally:
        drop_database(admin, name)
