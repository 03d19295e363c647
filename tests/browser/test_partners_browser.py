"""The partner search in a browser: two teams publish their profiles, see each other among
their matches with the reasons, one expresses interest, the other accepts, both see the
contact details, and the match becomes an action of the plan. A third cluster that has
not published sees nothing."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from diagnostic import services
from tests.browser.test_plans_browser import field, log_in
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, UserFactory, plan_for, submitted_diagnostic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _team(email, name, country):
    manager = UserFactory(email=email)
    profile = {f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}
    cluster = services.cluster_create(user=manager, **{**profile, "name": name,
                                                       "country": country})
    return SimpleNamespace(cluster=cluster, manager=manager, member=None,
                           diagnostic=cluster.diagnostics.get())


def publish(page, live_server, team, *, themes, countries, contact, language="English"):
    log_in(page, live_server, team.manager.email)
    page.get_by_role("link", name="Find partners").click()
    row = page.get_by_role("row", name=re.compile(team.cluster.name))
    row.get_by_role("button", name="Prepare a partner profile").click()
    expect(page.locator(".alert-success")).to_contain_text("prepared from diagnostic run 1")
    field(page, "Themes").fill(themes)
    field(page, "Language of these texts").select_option(label=language)
    page.get_by_label(re.compile(r"^\s*Target countries")).select_option(countries)
    field(page, "Contact email").fill(contact)
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name="Your profile as others will see it")).to_be_visible()
    expect(page.locator(".partner-profile")).to_contain_text(themes)
    expect(page.locator(".partner-profile")).not_to_contain_text(contact)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".alert-success")).to_contain_text("Your profile is published")


def test_two_teams_find_each_other_and_plan_a_first_contact(live_server, page):
    first = _team("anna@example.org", "Hydrogen Valley North", "DE")
    plan = plan_for(first)
    second = _team("bruno@example.org", "Pôle Hydrogène Sud", "FR")
    submitted_diagnostic(second)
    third = _team("carla@example.org", "Unpublished Cluster", "IT")
    submitted_diagnostic(third)

    publish(page, live_server, first, themes="hydrogen storage, fuel cells",
            countries=["FR"], contact="contact@hydrogen-north.example.org")
    publish(page, live_server, second, themes="Stockage de l'hydrogène, piles à combustible",
            countries=["DE"], contact="contact@pole-sud.example.org", language="French")

    # The second team sees the first among its matches, with the reasons.
    match = page.locator(f".match[data-cluster='{first.cluster.pk}']")
    expect(match).to_contain_text("Hydrogen Valley North")
    expect(match.locator("tr[data-factor='countries']")).to_contain_text("you target Germany")
    expect(match.locator("tr[data-factor='countries']")).to_contain_text("they target France")
    expect(match.locator("tr[data-factor='countries']")).to_contain_text("20 / 20")
    match.get_by_placeholder("A message (optional)").fill("Shall we meet in Hamburg?")
    match.get_by_role("button", name="Express interest").click()
    expect(page.locator(".alert-success")).to_contain_text("Interest sent")

    # The first team accepts; both see the contact details.
    log_in(page, live_server, first.manager.email)
    page.goto(f"{live_server.url}/clusters/{first.cluster.pk}/matches/")
    match = page.locator(f".match[data-cluster='{second.cluster.pk}']")
    expect(match.locator("tr[data-factor='countries']")).to_contain_text("they target Germany")
    # English words against a French text, each stemmed in the text's own language.
    expect(match.locator("tr[data-factor='themes']")).to_contain_text("hydrogen")
    page.get_by_role("link", name="Pôle Hydrogène Sud").first.click()
    expect(page.get_by_text("Shall we meet in Hamburg?")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("contact@pole-sud.example.org")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#contacts")).to_contain_text("contact@pole-sud.example.org")
    expect(page.locator("#contacts")).to_contain_text("contact@hydrogen-north.example.org")
    interest_url = page.url

    # The match becomes an action of the plan in one step.
    page.get_by_role("button", name=re.compile("First contact")).click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.locator("body")).to_contain_text("First contact with Pôle Hydrogène Sud")

    log_in(page, live_server, second.manager.email)
    page.goto(interest_url)
    expect(page.locator("#contacts")).to_contain_text("contact@hydrogen-north.example.org")

    # A cluster that has not published sees nothing.
    log_in(page, live_server, third.manager.email)
    page.get_by_role("link", name="Find partners").click()
    expect(page.get_by_role("link", name="Browse all published profiles")).to_have_count(0)
    for path in ["/partners/browse/", f"/partners/profiles/{first.cluster.pk}/",
                 f"/clusters/{third.cluster.pk}/matches/", interest_url.removeprefix(
                     live_server.url)]:
        response = page.goto(live_server.url + path)
        assert response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("Hydrogen Valley North")
