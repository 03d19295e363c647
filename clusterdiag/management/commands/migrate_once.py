"""`manage.py migrate`, safe to start on every host at the same time.

A deployment without Compose (systemd on each host) runs its migration step on every host
before it starts. Two `migrate` runs at once on one PostgreSQL database can both apply the
same migration: one fails half-way (a table or row that already exists) or the
django_migrations table lists a migration twice. This command takes a PostgreSQL advisory
lock first, so the runs follow each other: the first migrates, the others then find nothing
left to apply.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

# The advisory lock's key, fixed so that every host and every release use the same one:
# the bytes "cdmigrat" read as a 64-bit integer (README, "Several hosts"). Nothing else in
# ClusterDiag takes an advisory lock with this key.
MIGRATE_LOCK_KEY = 7161969606900474228


class Command(BaseCommand):
    help = ("Run migrate under a PostgreSQL advisory lock, so that several hosts may start it "
            "at the same time (on SQLite: plain migrate).")

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS,
                            help="The database to migrate (default: %(default)s).")

    def handle(self, *args, database, verbosity, **options):
        if connections[database].vendor != "postgresql":
            self._migrate(database, verbosity)
            return
        # A connection of its own holds the lock: migrate may close or reopen the usual one
        # (and a failed migration leaves it in an aborted transaction), while this one keeps
        # the lock until we release it. Should this process die, PostgreSQL ends the session
        # and the lock with it. A session-level lock needs a real session: point
        # DATABASE_URL past a pgbouncer in transaction mode for this step.
        lock = connections.create_connection(database)
        try:
            with lock.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
                if not cursor.fetchone()[0]:
                    self.stdout.write("Another host is migrating; waiting for it to finish.")
                    cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            try:
                self._migrate(database, verbosity)
            finally:
                with lock.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
        finally:
            lock.close()

    def _migrate(self, database, verbosity):
        call_command("migrate", database=database, interactive=False, verbosity=verbosity,
                     stdout=self.stdout, stderr=self.stderr)
