"""The whole loop in a browser: the team makes a plan from its strategy, edits two actions
and submits; the facilitator asks for a change; the team fixes it and resubmits; the
facilitator approves it in the Django admin."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from diagnostic import services
from plans.models import ActionPlan, PlanComment
from tests.conftest import PROFILE_FIELDS
from tests.factories import (
    PASSWORD,
    ClusterFactory,
    FacilitatorFactory,
    UserFactory,
    submitted_diagnostic,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile("Email address")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()


def field(page, label):
    """A form field by its label; crispy marks required ones with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\W*$"))


def edit_action(page, row, **fields):
    row.get_by_role("link", name=re.compile("^Edit")).click()
    for label, value in fields.items():
        field(page, label).fill(value)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The action is saved.")


def test_plan_review_loop(live_server, page):
    manager = UserFactory(email="lena@example.org", first_name="Lena", last_name="Berg")
    member = UserFactory(email="olaf@example.org", first_name="Olaf", last_name="Lund")
    cluster = services.cluster_create(
        user=manager, **{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS})
    services.invitation_accept(invitation=cluster.invitations.create(email=member.email),
                               user=member)
    team = SimpleNamespace(cluster=cluster, manager=manager, member=member,
                           diagnostic=cluster.diagnostics.get())
    diagnostic = submitted_diagnostic(team)
    facilitator = FacilitatorFactory(email="fab@example.org", first_name="Fabienne",
                                     last_name="Roux")
    cluster.facilitators.add(facilitator)

    # The team reads its strategy and makes the draft plan.
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/diagnostics/{diagnostic.pk}/strategy/")
    expect(page.locator("#strategy-statement")).to_contain_text("Start from the phase")
    page.get_by_text("Why this recommendation").first.click()
    expect(page.locator("details[open] li").first).to_be_visible()
    field(page, "Plan start").fill("2027-02-01")
    page.get_by_role("button", name="Make the draft action plan").click()
    expect(page.locator("[data-plan-status]")).to_have_text("draft")
    plan = ActionPlan.objects.get(diagnostic=diagnostic)
    rows = page.locator("#actions-table tbody tr")
    count = rows.count()
    assert count == plan.actions.count() >= 3

    # Two actions edited: an owner from the team, new dates, a milestone.
    edit_action(page, rows.nth(0), **{"Action": "Meet the Finnish ICT cluster in Oulu",
                                      "Milestone date": "2027-03-15"})
    rows.nth(1).get_by_role("link", name=re.compile("^Edit")).click()
    field(page, "Owner (team member)").select_option(label=str(member))
    field(page, "Due").fill("2027-01-01")  # before its start: refused
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error_1_id_due_date, .invalid-feedback").first).to_contain_text(
        "on or after the start date")
    field(page, "Due").fill("2027-09-30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#actions-table")).to_contain_text("Meet the Finnish ICT cluster")
    expect(rows.nth(1)).to_contain_text(str(member))
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.locator("[data-plan-status]")).to_have_text("submitted for review")

    # The facilitator asks for a change on the site.
    log_in(page, live_server, facilitator.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator("#actions-table")).to_contain_text("Meet the Finnish ICT cluster")
    page.get_by_label("Comment for the team").fill("Add the target market to action 1.")
    page.get_by_role("button", name="Ask for changes").click()
    expect(page.locator("[data-plan-status]")).to_have_text("changes requested")

    # The team fixes it and resubmits.
    log_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator("#comments")).to_contain_text("Add the target market to action 1.")
    edit_action(page, page.locator("#actions-table tbody tr").nth(0),
                **{"Target markets": "Smart-city software in the Nordics"})
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.locator("[data-plan-status]")).to_have_text("submitted for review")

    # The facilitator approves it in the admin.
    log_in(page, live_server, facilitator.email)
    page.goto(f"{live_server.url}/admin/plans/actionplan/")
    page.locator(f"input[name=_selected_action][value='{plan.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()  # the admin's "Go"
    expect(page.locator(".messagelist")).to_contain_text("approved")

    plan.refresh_from_db()
    first, second = plan.actions.order_by("position")[:2]
    assert plan.status == "approved"
    assert (first.title, first.target_markets, str(first.milestone_date)) == (
        "Meet the Finnish ICT cluster in Oulu", "Smart-city software in the Nordics",
        "2027-03-15")
    assert (second.owner, str(second.due_date)) == (member, "2027-09-30")
    assert list(plan.transitions.values_list("to_status", flat=True)) == [
        "submitted", "changes_requested", "submitted", "approved"]
    assert PlanComment.objects.get().author == facilitator
    # The team sees the outcome on the site.
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator("[data-plan-status]")).to_have_text("approved")
    expect(page.locator("#review-steps li")).to_have_count(4)
