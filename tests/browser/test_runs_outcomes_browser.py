"""A year of a cluster in a browser, with time-machine: a first run and a plan whose two
actions the team links to what they should move; the milestone reminders of the months
between; a second run a year later with better answers; then the runs compared and the
targets reached and not reached on the plan page. The runs and the plan are set up with
services; the browser drives what the issue is about."""

import datetime
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from diagnostic import services
from plans import services as plan_services
from plans.tasks import send_milestone_reminders
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, UserFactory, run_again, submitted_diagnostic

from .axe import axe_violations, describe
from .test_plans_browser import field, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(year, month, day):
    return datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC)


def link_action(page, row, *, moves, target, milestone):
    row.get_by_role("link", name=re.compile("^Edit")).click()
    field(page, "Owner (team member)").select_option(label="Olaf Lund")
    field(page, "What it should move").select_option(moves)
    field(page, "Target value (0-100)").fill(target)
    field(page, "Milestone date").fill(milestone)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The action is saved.")


def test_runs_compared_and_plan_outcomes_over_a_year(live_server, page):
    with time_machine.travel(at(2027, 1, 11), tick=True) as traveller:
        manager = UserFactory(email="lena@example.org", first_name="Lena", last_name="Berg")
        member = UserFactory(email="olaf@example.org", first_name="Olaf", last_name="Lund",
                             language="fr")
        cluster = services.cluster_create(
            user=manager, **{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS})
        services.invitation_accept(invitation=cluster.invitations.create(email=member.email),
                                   user=member)
        team = SimpleNamespace(cluster=cluster, manager=manager, member=member,
                               diagnostic=cluster.diagnostics.get())
        first = submitted_diagnostic(team)
        plan = plan_services.plan_generate(diagnostic=first, user=manager,
                                           start_date=datetime.date(2027, 2, 1))

        # The team links two actions to what they should move.
        log_in(page, live_server, manager.email)
        page.goto(live_server.url + plan.get_absolute_url())
        rows = page.locator("#actions-table tbody tr")
        link_action(page, rows.nth(0), moves="question:intl_partner_count", target="80",
                    milestone="2027-06-01")
        link_action(page, rows.nth(1), moves="index", target="99", milestone="2027-09-01")
        expect(rows.nth(0).get_by_test_id("outcome")).to_contain_text(
            "the value after appears once a later run is submitted")

        # The daily reminders of the months in between, in the owner's language (French);
        # the task runs twice on one day and sends once.
        mail.outbox.clear()
        for day in (at(2027, 5, 20), at(2027, 5, 26), at(2027, 6, 2), at(2027, 6, 2),
                    at(2027, 8, 26), at(2027, 9, 2)):
            traveller.move_to(day)
            send_milestone_reminders.delay()
        assert [(m.subject.split(":")[0], m.to) for m in mail.outbox] == [
            ("Jalon à échéance le 1 juin 2027 ", [member.email]),
            ("Jalon en retard ", [member.email]),
            ("Jalon à échéance le 1 septembre 2027 ", [member.email]),
            ("Jalon en retard ", [member.email]),
        ]

        # A year later: a second run with better answers.
        traveller.move_to(at(2028, 1, 17))
        second = run_again(team, intl_partner_count=12,
                           current_strategy=["q4_concrete_strategy"])

        log_in(page, live_server, manager.email)
        page.goto(live_server.url + cluster.get_absolute_url())
        expect(page.locator("[data-chart=runs-data]")).to_have_attribute("data-drawn", "true")
        expect(page.get_by_test_id("runs-table").locator("tbody tr")).to_have_count(2)
        found = describe("cluster page", axe_violations(page))
        page.get_by_test_id("runs-link").click()
        expect(page.get_by_test_id("runs-table").locator("tbody tr")).to_have_count(2)
        expect(page.get_by_test_id("chart-summary")).to_contain_text(
            f"From run 1 to run 2 the index went from {first.score.overall:.0f} to "
            f"{second.score.overall:.0f}")
        field(page, "Earlier run").select_option(str(first.pk))
        field(page, "Later run").select_option(str(second.pk))
        page.get_by_role("button", name="Compare").click()
        changes = page.get_by_test_id("answer-changes")
        partner_row = changes.locator("tr", has_text="Number of international partner")
        expect(partner_row).to_contain_text("changed")
        expect(partner_row).to_contain_text("12")
        expect(page.get_by_test_id("score-changes")).to_contain_text("Experience")
        found += describe("runs compared", axe_violations(page))

        page.goto(live_server.url + plan.get_absolute_url())
        expect(rows.nth(0).get_by_test_id("target-reached")).to_have_text("target reached")
        expect(rows.nth(1).get_by_test_id("target-missed")).to_have_text("target not reached")
        expect(rows.nth(0).get_by_test_id("milestone-state")).to_have_text("milestone late")
        found += describe("plan with outcomes", axe_violations(page))
        assert not found, "\n".join(found)
