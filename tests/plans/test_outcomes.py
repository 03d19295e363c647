"""Actions tied to outcomes (plans/outcomes.py): what an indicator should move, its value
before and after the next run, milestones met or late."""

import datetime

import pytest
from django.urls import reverse

from plans import outcomes
from plans.models import Action
from tests.factories import plan_for, run_again

from .test_plans import post_data

pytestmark = pytest.mark.django_db


def _link(action, target, value):
    Action.objects.filter(pk=action.pk).update(indicator_target=target, target_value=value)


@pytest.fixture
def linked_plan(team):
    plan = plan_for(team)
    first, second = plan.actions.order_by("position")[:2]
    _link(first, "question:intl_partner_count", 80)
    _link(second, "index", 99)
    return plan, first, second


def test_before_a_later_run_the_plan_shows_the_value_now(team, client, linked_plan):
    plan, first, _second = linked_plan
    client.force_login(team.member)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    outcome = next(a for a in response.context["actions"] if a.pk == first.pk).outcome
    assert (outcome.before, outcome.after, outcome.reached) == (10.0, None, None)
    assert "once a later run is submitted" in response.content.decode()


def test_a_later_run_shows_before_after_and_whether_each_target_was_reached(
        team, client, linked_plan):
    plan, first, second = linked_plan
    later = run_again(team, intl_partner_count=12)
    client.force_login(team.member)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    shown = {a.pk: a.outcome for a in response.context["actions"] if a.outcome}
    assert (shown[first.pk].before, shown[first.pk].after, shown[first.pk].reached) == (
        10.0, 100.0, True)
    assert shown[second.pk].after == later.score.overall
    assert shown[second.pk].reached is False
    page = response.content.decode()
    assert "target reached" in page and "target not reached" in page
    assert response.context["later_run"].pk == later.pk


@pytest.mark.parametrize("status, milestone, expected", [
    ("done", datetime.date(2027, 1, 1), outcomes.MET),
    ("in_progress", datetime.date(2027, 1, 1), outcomes.LATE),
    ("planned", datetime.date(2027, 3, 2), outcomes.DUE),
    ("dropped", datetime.date(2027, 1, 1), outcomes.NONE),
    ("planned", None, outcomes.NONE),
])
def test_milestone_state(status, milestone, expected):
    action = Action(status=status, milestone_date=milestone)

    assert outcomes.milestone_state(action, datetime.date(2027, 3, 1)) == expected


def test_the_action_form_names_a_target_and_checks_it(team, client):
    plan = plan_for(team)
    action = plan.actions.first()
    client.force_login(team.manager)
    url = reverse("plans:action_edit", args=[plan.pk, action.pk])

    missing = client.post(url, post_data(action, target_value="50"))
    unknown = client.post(url, post_data(action, indicator_target="question:nope"))
    saved = client.post(url, post_data(action, indicator_target="dimension:strategy",
                                       target_value="75"))

    assert missing.status_code == 400
    assert missing.context["form"].errors["indicator_target"] == [
        "Choose what the target value applies to."]
    assert unknown.status_code == 400 and "indicator_target" in unknown.context["form"].errors
    assert saved.status_code == 302
    action.refresh_from_db()
    assert (action.indicator_target, float(action.target_value)) == ("dimension:strategy", 75)
