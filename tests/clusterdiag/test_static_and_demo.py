import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmark.models import PeerEntry
from clusterdiag.models import User
from diagnostic.demo import DEMO_CLUSTER_NAME, DEMO_SUBMITTED_NAME
from diagnostic.models import Cluster


def test_collectstatic_builds_the_hashed_manifest_with_vendored_assets(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    # The manifest half of production's storage (whitenoise's CompressedManifest... is
    # Django's ManifestStaticFilesStorage plus gzip and Brotli): every reference must be
    # found (a vendored CSS names its source map) and hashed. Compressing, whitenoise's own
    # part, took 35 of its 37 s; the drills and benchmarks collect with production's storage
    # (bench/common.py, again whenever the static sources change).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    names = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    assert "vendor/bootstrap/bootstrap.min.css.map" in names
    assert "vendor/plotly/plotly.min.js" in names
    assert "staticfiles.json" in names


@pytest.mark.django_db
def test_seed_demo_creates_the_printed_logins_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "manager@demo.clusterdiag.test" in out
    assert User.objects.filter(email__endswith="@demo.clusterdiag.test").count() == 4
    assert User.objects.get(email="facilitator@demo.clusterdiag.test").is_facilitator
    assert User.objects.get(email="admin@demo.clusterdiag.test").is_superuser
    assert not Cluster.objects.filter(is_demo=False).exists()
    assert Cluster.objects.filter(name__startswith="Generated demo cluster").count() == 60
    submitted = Cluster.objects.get(name=DEMO_SUBMITTED_NAME).diagnostics.get()
    assert submitted.status == "submitted" and submitted.score.overall > 0
    assert submitted.plan.status == "draft" and submitted.plan.actions.count() >= 3
    assert "draft action plan of" in out
    assert PeerEntry.objects.filter(cohort="demo").count() == 61
    assert not PeerEntry.objects.filter(cohort="live").exists()
    demo = Cluster.objects.get(name=DEMO_CLUSTER_NAME)
    assert demo.is_demo and "Demo" in demo.name
    diagnostic = demo.diagnostics.get()
    assert diagnostic.status == "draft"
    assert 5 < diagnostic.answers.count() < 31  # partly filled in
    assert demo.memberships.get(role="manager").user.email == "manager@demo.clusterdiag.test"


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_on_a_production_setup(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
