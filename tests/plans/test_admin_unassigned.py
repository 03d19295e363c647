"""Issue 15, 1: in the admin, administrators find the plans waiting for review whose cluster
has no facilitator, and the clusters whose request for a facilitator is pending."""

import pytest
from django.urls import reverse

from diagnostic.models import FacilitationRequest
from plans import review as plan_review
from plans.models import ActionPlan
from tests.factories import FacilitatorFactory, plan_for

pytestmark = [pytest.mark.django_db]


def test_plans_waiting_for_review_without_a_facilitator(client, team, admin_user):
    plan = plan_review.plan_transition(plan=plan_for(team), user=team.manager,
                                         to_status=ActionPlan.Status.SUBMITTED)
    client.force_login(admin_user)
    url = reverse("admin:plans_actionplan_changelist")

    unassigned = client.get(url, {"queue": "waiting", "has_facilitator": "no"})
    team.cluster.facilitators.add(FacilitatorFactory())
    assigned = client.get(url, {"queue": "waiting", "has_facilitator": "no"})

    assert [p.pk for p in unassigned.context["cl"].result_list] == [plan.pk]
    assert list(assigned.context["cl"].result_list) == []


def test_clusters_with_a_pending_request_for_a_facilitator(client, team, admin_user):
    url = reverse("admin:diagnostic_cluster_changelist")
    client.force_login(admin_user)
    before = client.get(url, {"facilitation_request": "pending"})
    FacilitationRequest.objects.create(cluster=team.cluster, requested_by=team.manager)

    after = client.get(url, {"facilitation_request": "pending"})

    assert list(before.context["cl"].result_list) == []
    assert [c.pk for c in after.context["cl"].result_list] == [team.cluster.pk]
