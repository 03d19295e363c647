"""The move of the plans out of the diagnostic app, run as real migrations: a database at
the last head before the move, with rows in every moved table, migrates and keeps every
row, history entry, content type, permission and group grant."""

import datetime

import pytest
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("diagnostic", "0006_pdfjob")]
AFTER = [("plans", "0002_playbook_v1")]


def _seed_playbook(apps):
    """The playbook as the old migration 0005 loaded it (one item of each kind)."""
    def model(name):
        return apps.get_model("diagnostic", name)

    texts = {"title_en": "T", "title_fr": "T", "description_en": "D", "description_fr": "D"}
    playbook = model("PlaybookVersion").objects.create(
        code="2026.1", is_published=True, published_at=timezone.now())
    phase = model("Phase").objects.create(version=playbook, key="get_to_know", **texts)
    instrument = model("Instrument").objects.create(version=playbook, key="b2b", **texts)
    instrument.phases.add(phase)
    measure = model("BarrierMeasure").objects.create(version=playbook, key="q3_trust", **texts)
    measure.instruments.add(instrument)
    funding = model("FundingOption").objects.create(version=playbook, key="fp",
                                                    study_options=["q7_fp"], **texts)
    model("ActionTemplate").objects.create(
        version=playbook, key="visit", phase=phase, instrument=instrument, owner_role_en="M",
        owner_role_fr="M", milestone_en="M", milestone_fr="M", indicator_en="I",
        indicator_fr="I", **texts)
    return playbook, funding


def _seed(apps):
    """One cluster with a submitted run, its plan with an action, a comment, a review step,
    a PDF job, and history rows for the plan and the action: every moved table."""
    user = apps.get_model("clusterdiag", "User").objects.create(email="m@example.org")
    cluster = apps.get_model("diagnostic", "Cluster").objects.create(
        name="Moved cluster", country="FR", sector="ict", governance="bottom_up")
    version = apps.get_model("diagnostic", "QuestionnaireVersion").objects.first()
    diagnostic = apps.get_model("diagnostic", "Diagnostic").objects.create(
        cluster=cluster, version=version, run=1, status="submitted", created_by=user)
    playbook, funding = _seed_playbook(apps)
    start = datetime.date(2027, 1, 1)
    plan = apps.get_model("diagnostic", "ActionPlan").objects.create(
        cluster=cluster, diagnostic=diagnostic, playbook=playbook, status="submitted",
        phase="get_to_know", statement="Go abroad.", start_date=start,
        end_date=start + datetime.timedelta(days=700), revision=3, created_by=user)
    action = apps.get_model("diagnostic", "Action").objects.create(
        plan=plan, position=1, title="Visit Lyon", start_date=start, due_date=start,
        target_countries="DE,FR", funding=funding, owner=user)
    comment = apps.get_model("diagnostic", "PlanComment").objects.create(
        plan=plan, action=action, author=user, body="More dates, please.")
    apps.get_model("diagnostic", "PlanTransition").objects.create(
        plan=plan, from_status="draft", to_status="submitted", by=user, comment=comment)
    apps.get_model("diagnostic", "PdfJob").objects.create(
        plan=plan, revision=3, language="fr", status="done",
        file_name="pdf/plan-1/r3-fr.pdf", size=1234, pages=8)
    for name, obj in [("HistoricalActionPlan", plan), ("HistoricalAction", action)]:
        history = apps.get_model("diagnostic", name)
        copied = {f.attname: getattr(obj, f.attname) for f in history._meta.concrete_fields
                  if hasattr(obj, f.attname) and not f.attname.startswith("history_")}
        history.objects.create(history_date=timezone.now(), history_type="+",
                               history_user=user, **copied)
    return plan


def _snapshot(apps, app_label):
    """Every row of every moved table, as values, keyed by model."""
    names = ["PlaybookVersion", "Phase", "Instrument", "BarrierMeasure", "FundingOption",
             "ActionTemplate", "ActionPlan", "Action", "PlanComment", "PlanTransition",
             "PdfJob", "HistoricalActionPlan", "HistoricalAction"]
    rows = {}
    for name in names:
        model = apps.get_model(app_label, name)
        rows[name] = sorted(map(repr, model.objects.order_by("pk").values()))
    instrument = apps.get_model(app_label, "Instrument")
    rows["Instrument.phases"] = sorted(
        instrument.phases.through.objects.values_list("instrument_id", "phase_id"))
    measure = apps.get_model(app_label, "BarrierMeasure")
    rows["BarrierMeasure.instruments"] = sorted(
        measure.instruments.through.objects.values_list("barriermeasure_id", "instrument_id"))
    return rows


def _post_migrate(apps):
    """What Django's post_migrate did on a real database after the migrations (the migrator
    mutes it): content types and permissions of every model of the old state."""
    for label in ("diagnostic", "benchmark", "clusterdiag"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _grants(apps):
    group = apps.get_model("auth", "Group").objects.get(name="Facilitators")
    return sorted(group.permissions.values_list("pk", "codename", "content_type_id"))


def test_the_move_keeps_every_row_history_permission_and_grant(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    _post_migrate(old.apps)
    _seed(old.apps)
    before = _snapshot(old.apps, "diagnostic")
    content_type = old.apps.get_model("contenttypes", "ContentType")
    old_types = dict(content_type.objects.filter(app_label="diagnostic")
                     .values_list("model", "pk"))
    old_grants = _grants(old.apps)
    review = old.apps.get_model("auth", "Permission").objects.get(codename="review_actionplan")

    new = migrator.apply_tested_migration(AFTER)

    assert _snapshot(new.apps, "plans") == before
    assert all(before[name] for name in before), "a moved table was left empty by the seed"
    moved = new.apps.get_model("contenttypes", "ContentType").objects
    for model in ["actionplan", "action", "plancomment", "plantransition", "pdfjob",
                  "playbookversion", "historicalactionplan", "historicalaction"]:
        assert moved.get(app_label="plans", model=model).pk == old_types[model]
        assert not moved.filter(app_label="diagnostic", model=model).exists()
    assert _grants(new.apps) == old_grants
    permission = new.apps.get_model("auth", "Permission").objects.get(pk=review.pk)
    assert (permission.content_type.app_label, permission.codename) == (
        "plans", "review_actionplan")
    migrator.reset()


def test_the_moved_models_answer_through_the_code_after_the_move(migrator):
    """The app's own models (not the migration state) read the moved rows, history and
    permission: what the site and the admin use."""
    from django.contrib.auth.models import Group

    from plans.models import ActionPlan

    old = migrator.apply_initial_migration(BEFORE)
    _post_migrate(old.apps)
    plan = _seed(old.apps)
    migrator.apply_tested_migration(AFTER)
    migrator.reset()

    moved = ActionPlan.objects.get(pk=plan.pk)
    assert (moved.status, moved.revision, moved.cluster.name) == ("submitted", 3, "Moved cluster")
    assert [a.title for a in moved.actions.all()] == ["Visit Lyon"]
    assert moved.history.count() == 1 and moved.actions.get().history.count() == 1
    assert moved.comments.get().body == "More dates, please."
    assert moved.transitions.get().to_status == "submitted"
    assert moved.pdf_jobs.get().file_name == "pdf/plan-1/r3-fr.pdf"
    facilitators = Group.objects.get(name="Facilitators")
    assert facilitators.permissions.filter(content_type__app_label="plans",
                                           codename="review_actionplan").exists()
