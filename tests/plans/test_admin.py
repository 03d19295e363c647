import csv
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostic import services as diagnostic_services
from plans import review as plan_review
from plans.models import ActionPlan, PlanComment, PlaybookVersion, ReminderSent
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, FacilitatorFactory, UserFactory, plan_for

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:plans_actionplan_changelist"


def make_team(country="DE", sector="ict"):
    manager = UserFactory()
    cluster = diagnostic_services.cluster_create(user=manager, **{
        **{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS},
        "country": country, "sector": sector})
    return SimpleNamespace(cluster=cluster, manager=manager, member=manager,
                           diagnostic=cluster.diagnostics.get())


@pytest.fixture
def facilitator(team):
    user = FacilitatorFactory()
    plan = plan_for(team)
    team.cluster.facilitators.add(user)
    return SimpleNamespace(user=user, plan=plan)


def test_a_facilitator_sees_only_plans_of_followed_clusters(client, facilitator):
    plan_for(make_team())  # not followed
    client.force_login(facilitator.user)
    response = client.get(reverse(CHANGELIST))
    assert list(response.context["cl"].result_list) == [facilitator.plan]
    other = ActionPlan.objects.exclude(pk=facilitator.plan.pk).get()
    assert client.get(reverse("admin:plans_actionplan_change",
                              args=[other.pk])).status_code == 404


@pytest.mark.parametrize("filters, expected", [
    ({"status__exact": "draft"}, 1), ({"status__exact": "approved"}, 0),
    ({"cluster__country": "DE"}, 1), ({"cluster__country": "FR"}, 0),
    ({"cluster__sector": "ict"}, 1), ({"cluster__sector": "health"}, 0),
    ({"cluster__governance": "bottom_up"}, 1), ({"cluster__governance": "bottom_up",
                                                 "band": "not"}, 0),
    ({"q": "Cluster"}, 1), ({"q": "Nothing like this"}, 0),
])
def test_filters_and_search(client, facilitator, filters, expected):
    client.force_login(facilitator.user)
    response = client.get(reverse(CHANGELIST), filters)
    assert response.context["cl"].result_count == expected


def test_the_index_band_filter_finds_the_plan(client, facilitator):
    band = facilitator.plan.diagnostic.score.band
    client.force_login(facilitator.user)
    assert client.get(reverse(CHANGELIST), {"band": band}).context["cl"].result_count == 1
    diagnostics = client.get(reverse("admin:diagnostic_diagnostic_changelist"), {"band": band})
    assert diagnostics.context["cl"].result_count == 1


def test_the_change_page_shows_actions_and_takes_a_comment(client, facilitator):
    plan = facilitator.plan
    action = plan.actions.first()
    client.force_login(facilitator.user)
    url = reverse("admin:plans_actionplan_change", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert action.title in page.content.decode()
    response = client.post(url, {
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "0",
        "comments-0-body": "Please add a date for the B2B meeting.",
        "comments-0-action": str(action.pk), "_continue": "1"})
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    comment = PlanComment.objects.get()
    assert (comment.author, comment.action, comment.plan) == (facilitator.user, action, plan)


def test_saving_the_read_only_change_page_changes_nothing(client, facilitator):
    """The facilitator's "Save" only adds comments: the plan row, its revision and its
    history stay as they were (every plan field is read-only here)."""
    plan = facilitator.plan
    before = (plan.history.count(), plan.revision, plan.updated_at)
    client.force_login(facilitator.user)

    response = client.post(reverse("admin:plans_actionplan_change", args=[plan.pk]), {
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "_save": "1"})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.history.count(), plan.revision, plan.updated_at) == before


def test_review_actions_from_the_changelist(client, facilitator, team):
    plan = facilitator.plan
    plan_review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    client.force_login(facilitator.user)
    # Asking for changes needs a comment first.
    client.post(reverse(CHANGELIST), {"action": "request_changes",
                                      "_selected_action": [plan.pk]})
    assert ActionPlan.objects.get(pk=plan.pk).status == "submitted"
    plan_review.comment_add(plan=plan, user=facilitator.user, body="More dates, please.")
    client.post(reverse(CHANGELIST), {"action": "request_changes",
                                      "_selected_action": [plan.pk]})
    assert ActionPlan.objects.get(pk=plan.pk).status == "changes_requested"
    plan_review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [plan.pk]})
    assert ActionPlan.objects.get(pk=plan.pk).status == "approved"


def test_a_team_member_with_staff_rights_cannot_approve_its_own_plan(client, team):
    plan = plan_for(team)
    plan_review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    team.manager.is_superuser = False
    client.force_login(team.manager)
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [plan.pk]})
    assert ActionPlan.objects.get(pk=plan.pk).status == "submitted"


def test_csv_export_of_plans_and_actions(client, facilitator):
    plan = facilitator.plan
    action = plan.actions.order_by("position").first()
    action.title = "=HYPERLINK(\"http://evil\")"
    action.target_countries = ["FI", "SE"]  # each action has its own targets
    action.save()
    client.force_login(facilitator.user)
    plans = client.post(reverse(CHANGELIST), {"action": "export_plans_csv",
                                              "_selected_action": [plan.pk]})
    rows = list(csv.reader(io.StringIO(plans.content.decode("utf-8-sig"))))
    assert plans["Content-Type"].startswith("text/csv")
    assert rows[1][:3] == [str(plan.pk), plan.cluster.name, "Germany"]
    assert rows[1][3:6] == [plan.cluster.get_sector_display(),
                            plan.cluster.get_governance_display(), "draft"]
    assert rows[1][6] != plan.phase  # the phase's title, not its key
    assert rows[1][11] == str(plan.actions.count())
    actions = client.post(reverse(CHANGELIST), {"action": "export_actions_csv",
                                                "_selected_action": [plan.pk]})
    rows = list(csv.reader(io.StringIO(actions.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + plan.actions.count()
    assert rows[1][3] == "'=HYPERLINK(\"http://evil\")"  # never a live formula
    assert rows[1][7] == "Finland, Sweden"
    assert rows[1][13] == action.get_status_display()


def test_admin_pages_keep_a_constant_number_of_queries(client, facilitator):
    client.force_login(facilitator.user)
    counts = []
    for extra in (0, 8):
        for _ in range(extra):
            team = make_team()
            team.cluster.facilitators.add(facilitator.user)
            plan_for(team)
        measured = []
        for url, data in [
            (reverse(CHANGELIST), {}),
            (reverse(CHANGELIST), {"status__exact": "draft", "band": "largely"}),
            (reverse("admin:plans_actionplan_change", args=[facilitator.plan.pk]), {}),
        ]:
            with CaptureQueriesContext(connection) as queries:
                client.get(url, data)
            measured.append(len(queries))
        ids = list(ActionPlan.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse(CHANGELIST), {"action": "export_actions_csv",
                                              "_selected_action": ids})
        measured.append(len(queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_a_playbook_version_in_use_is_frozen_and_can_be_copied(admin_client, team):
    plan = plan_for(team)
    version = plan.playbook
    phase = version.phases.first()
    response = admin_client.post(reverse("admin:plans_phase_change", args=[phase.pk]),
                                 {"title_texts_en": "Changed"})
    assert response.status_code == 403
    admin_client.post(reverse("admin:plans_playbookversion_changelist"),
                      {"action": "copy_as_new_version", "_selected_action": [version.pk]})
    copy = PlaybookVersion.objects.exclude(pk=version.pk).get()
    assert not copy.is_published
    assert copy.actiontemplates.count() == version.actiontemplates.count()
    assert set(copy.instruments.get(key="b2b_meetings").phases.values_list("key", flat=True)) \
        == set(version.instruments.get(key="b2b_meetings").phases.values_list("key", flat=True))


# --- Reminders sent (read-only) ----------------------------------------------------------

def _reminder(plan):
    action = plan.actions.order_by("pk").first()
    return ReminderSent.objects.create(action=action, milestone_date=plan.start_date,
                                       step=ReminderSent.Step.LATE, recipient=plan.created_by)


def test_a_facilitator_sees_the_reminders_of_followed_clusters_only_and_changes_none(
        client, facilitator):
    mine = _reminder(facilitator.plan)
    other = _reminder(plan_for(make_team()))  # not followed
    client.force_login(facilitator.user)

    listed = client.get(reverse("admin:plans_remindersent_changelist"))
    page = client.get(reverse("admin:plans_remindersent_change", args=[mine.pk]))
    hidden = client.get(reverse("admin:plans_remindersent_change", args=[other.pk]))
    delete = client.post(reverse("admin:plans_remindersent_delete", args=[mine.pk]),
                         {"post": "yes"})
    change = client.post(reverse("admin:plans_remindersent_change", args=[mine.pk]),
                         {"step": "due_soon"})

    assert list(listed.context["cl"].result_list) == [mine]
    assert page.status_code == 200 and mine.action.title in page.text
    assert facilitator.plan.cluster.name in page.text
    assert hidden.status_code == 404
    assert delete.status_code == 403 and change.status_code == 403
    assert list(ReminderSent.objects.values_list("step", flat=True).order_by("pk")) == [
        "late", "late"]


def test_a_reminder_shows_its_generated_action_title_in_the_readers_language(
        client, facilitator):
    from plans.texts import generated_text

    reminder = _reminder(facilitator.plan)
    facilitator.user.language = "de"
    facilitator.user.save(update_fields=["language"])
    client.force_login(facilitator.user)

    page = client.get(reverse("admin:plans_remindersent_change", args=[reminder.pk]),
                      HTTP_ACCEPT_LANGUAGE="de")

    german = generated_text(reminder.action, "title", "de")
    assert german and german != reminder.action.title
    assert german in page.content.decode()


def test_the_reminders_list_keeps_its_query_count_as_reminders_grow(client, facilitator):
    client.force_login(facilitator.user)
    _reminder(facilitator.plan)
    url = reverse("admin:plans_remindersent_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for action in facilitator.plan.actions.order_by("pk")[1:4]:
        ReminderSent.objects.create(action=action, milestone_date=action.due_date,
                                    step=ReminderSent.Step.DUE_SOON)

    with CaptureQueriesContext(connection) as more:
        response = client.get(url)

    assert response.context["cl"].result_count == 4
    assert len(more.captured_queries) == len(few.captured_queries)
