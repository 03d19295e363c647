from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benchmark.demo import demo_cohort_generate
from clusterdiag.models import FACILITATORS_GROUP, User
from diagnostic.demo import seed_demo_cluster, seed_demo_submitted_cluster
from partners.demo import seed_demo_partner_profiles
from plans.demo import seed_demo_plan

# Demo accounts only ever exist on a development machine (see the DEBUG guard below).
DEMO_PASSWORD = "demo-cluster-2026"  # noqa: S105
DEMO_USERS = [
    ("manager@demo.clusterdiag.test", "Demo", "Manager", "cluster manager"),
    ("colleague@demo.clusterdiag.test", "Demo", "Colleague", "team member"),
    ("facilitator@demo.clusterdiag.test", "Demo", "Facilitator", "facilitator"),
    ("admin@demo.clusterdiag.test", "Demo", "Administrator", "administrator"),
]


class Command(BaseCommand):
    help = "Create the demo logins (and demo data) of a development machine; prints the logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Also run when DEBUG is off (never on a public server).")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password: it only runs "
                               "with DEBUG on (or --force).")
        users = {role: self._user(email, first, last, role)
                 for email, first, last, role in DEMO_USERS}
        self._seed_data(users)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for email, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<16} {email}")

    def _user(self, email, first, last, role):
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
        if role == "administrator":
            user.is_staff = user.is_superuser = True
        if role == "facilitator":
            user.is_staff = True
            user.groups.add(Group.objects.get(name=FACILITATORS_GROUP))
        user.save()
        return user

    def _seed_data(self, users):
        cluster = seed_demo_cluster(manager=users["cluster manager"],
                                    colleague=users["team member"],
                                    facilitator=users["facilitator"])
        generated = demo_cohort_generate()
        submitted = seed_demo_submitted_cluster(manager=users["cluster manager"],
                                                facilitator=users["facilitator"])
        plan = seed_demo_plan(cluster=submitted, user=users["cluster manager"])
        self.stdout.write(f"Demo clusters: {cluster.name}; {submitted.name} (with a draft "
                          f"action plan of {plan.actions.count()} actions)")
        partners = seed_demo_partner_profiles(cluster=submitted, user=users["cluster manager"])
        self.stdout.write(f"Demo partner profiles: {partners} published (labelled as demo)")
        if generated:
            self.stdout.write(f"Demo cohort: {generated} generated clusters (labelled as demo)")
