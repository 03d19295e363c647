"""Who is told when a plan is submitted, and a plan marked final by its team (issue 15)."""

import pytest
from django.core import mail
from django.urls import reverse

from plans import review
from tests.factories import FacilitatorFactory, UserFactory, plan_for

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def admin_user():
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def test_without_facilitator_the_administrators_are_told(team, admin_user,
                                                          django_capture_on_commit_callbacks):
    plan = plan_for(team)
    with django_capture_on_commit_callbacks(execute=True):
        review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    assert admin_user.email in {m.to[0] for m in mail.outbox}


def test_with_a_facilitator_only_the_facilitator_reviews(team, admin_user,
                                                          django_capture_on_commit_callbacks):
    facilitator = FacilitatorFactory()
    team.cluster.facilitators.add(facilitator)
    plan = plan_for(team)
    with django_capture_on_commit_callbacks(execute=True):
        review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    recipients = {m.to[0] for m in mail.outbox}
    assert facilitator.email in recipients and admin_user.email not in recipients


def test_the_plan_page_says_who_reviews_and_when(client, team, admin_user):
    plan = plan_for(team)
    review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    client.force_login(team.member)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "the site's administrators were told" in page
    assert "within 10 working days" in page


def test_a_team_marks_its_plan_final_and_reopens_it(client, team):
    plan = plan_for(team)
    client.force_login(team.member)
    url = reverse("plans:transition", args=[plan.pk])
    client.post(url, {"to_status": "final", "revision": plan.revision})
    plan.refresh_from_db()
    assert plan.status == "final" and not plan.is_editable
    client.post(url, {"to_status": "draft", "revision": plan.revision})
    plan.refresh_from_db()
    assert plan.status == "draft"
