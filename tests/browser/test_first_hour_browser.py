"""A real manager's first hour (issue 15), in a browser: asking for a facilitator, the
administrator assigning one, the review; a cluster without facilitator; the country picker
with the keyboard and without JavaScript; the results page's summary; no sideways scroll;
and screenshots of the main pages in English and French, saved under test-artifacts/."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from playwright.sync_api import expect

from diagnostic import services
from diagnostic.models import Cluster, FacilitationOffer, FacilitationRequest
from plans import review as plan_review
from tests.conftest import PROFILE_FIELDS
from tests.factories import (
    PASSWORD,
    ClusterFactory,
    FacilitatorFactory,
    UserFactory,
    plan_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile("Email address|Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^\s*(Password|Mot de passe)\W*$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Se connecter")).click()
    expect(page.get_by_role("button", name=re.compile("Log out|Se déconnecter"))).to_be_visible()


def team_of(cluster_name="Nordic Sensors", **extra):
    manager = UserFactory(first_name="Lena", last_name="Berg")
    profile = {f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}
    cluster = services.cluster_create(user=manager, **{**profile, "name": cluster_name, **extra})
    return SimpleNamespace(cluster=cluster, manager=manager, member=manager,
                           diagnostic=cluster.diagnostics.get())


def administrator():
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True,
                       first_name="Ali", last_name="Admin")


def type_countries(search, names):
    """Keyboard only: type each name, Enter picks the highlighted country."""
    for name in names:
        search.press_sequentially(name)
        expect(search.page.locator(".ts-dropdown .option.active").first).to_contain_text(name)
        search.press("Enter")


def test_a_facilitator_is_asked_for_assigned_and_reviews(live_server, page):
    admin = administrator()
    facilitator = FacilitatorFactory(email="fab@example.org", first_name="Fabienne",
                                     last_name="Roux", language="fr")
    offer = FacilitationOffer.objects.create(name_texts={"en": "Nordic cluster programme",
                                                         "fr": "Programme clusters nordiques"},
                                             countries=["SE", "FI"], sectors=["ict"])
    offer.facilitators.add(facilitator)
    manager = UserFactory(email="lena@example.org", first_name="Lena", last_name="Berg")

    # The manager registers the cluster and asks for a facilitator of the programme.
    log_in(page, live_server, manager.email)
    page.goto(live_server.url + "/clusters/new/")
    page.get_by_label(re.compile(r"^\s*Cluster name")).fill("Nordic Sensors")
    type_countries(page.get_by_role("combobox", name=re.compile("Country")), ["Sweden"])
    page.get_by_label(re.compile(r"^\s*Main sector")).select_option("ict")
    page.get_by_label(re.compile("Bottom-up")).check()
    page.get_by_label(re.compile("Nordic cluster programme")).check()
    page.get_by_role("button", name="Register and start the diagnostic").click()
    expect(page.get_by_role("heading", name="Cluster profile")).to_be_visible()
    cluster = Cluster.objects.get(name="Nordic Sensors")
    assert cluster.country.code == "SE"
    request = FacilitationRequest.objects.get(cluster=cluster)
    assert (request.status, request.offer) == ("pending", offer)
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Nordic Sensors asks for a facilitator" in mail.outbox[0].subject
    page.goto(live_server.url + cluster.get_absolute_url())
    expect(page.locator("#facilitator-state")).to_contain_text("You asked for a facilitator")

    # The administrator assigns the facilitator in one step.
    log_in(page, live_server, admin.email)
    page.goto(live_server.url + "/admin/diagnostic/facilitationrequest/?status__exact=pending")
    page.get_by_role("link", name="Nordic Sensors").click()
    page.locator("select[name=facilitator]").select_option(str(facilitator.pk))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("now follows Nordic Sensors")
    assert list(cluster.facilitators.all()) == [facilitator]
    sent = {m.to[0]: m for m in mail.outbox[1:]}
    assert set(sent) == {facilitator.email, manager.email}
    assert "Vous suivez désormais Nordic Sensors" in sent[facilitator.email].subject  # French
    assert "A facilitator for Nordic Sensors" in sent[manager.email].subject

    # The team submits its plan: the page says who reviews it; the facilitator is emailed.
    # The rest of the profile (filled in the diagnostic's first step on the site).
    figures = ClusterFactory.build()
    Cluster.objects.filter(pk=cluster.pk).update(**{
        f: getattr(figures, f) for f in PROFILE_FIELDS
        if f not in {"name", "country", "sector", "governance"}})
    team = SimpleNamespace(cluster=cluster, manager=manager, member=manager,
                           diagnostic=cluster.diagnostics.get())
    plan = plan_for(team)
    mail.outbox.clear()
    log_in(page, live_server, manager.email)
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.locator("#review-form").locator("..")).to_contain_text("Reviewed by: Fabienne")
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.locator("#review-who")).to_contain_text("Fabienne Roux")
    expect(page.locator("#review-who")).to_contain_text("working days")
    assert facilitator.email in {m.to[0] for m in mail.outbox}

    # The facilitator reviews it.
    log_in(page, live_server, facilitator.email)
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("button", name=re.compile("Approve|Approuver")).click()
    expect(page.locator("[data-plan-status]")).to_have_attribute("data-plan-status", "approved")


def test_a_cluster_without_facilitator_submits_and_administrators_are_told(live_server, page):
    admin = administrator()
    team = team_of("Lonely Cluster")
    plan = plan_for(team)
    mail.outbox.clear()
    log_in(page, live_server, team.manager.email)
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.locator("[data-plan-status]")).to_have_attribute("data-plan-status",
                                                                 "submitted")
    expect(page.locator("#review-who")).to_contain_text("administrators were told")
    assert admin.email in {m.to[0] for m in mail.outbox}


def test_a_team_marks_its_plan_final_itself(live_server, page):
    team = team_of("Own Way Cluster")
    plan = plan_for(team)
    log_in(page, live_server, team.manager.email)
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("button", name="Mark the plan final, without review").click()
    expect(page.locator("[data-plan-status]")).to_have_attribute("data-plan-status", "final")
    page.get_by_role("button", name="Open the plan again for changes").click()
    expect(page.locator("[data-plan-status]")).to_have_attribute("data-plan-status", "draft")


def test_three_countries_are_picked_with_the_keyboard_only(live_server, page):
    team = team_of()
    plan = plan_for(team)
    action = plan.actions.order_by("position").first()
    log_in(page, live_server, team.manager.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/{action.pk}/")
    search = page.get_by_role("combobox", name=re.compile("Target countries"))
    search.focus()  # as Tab would; no mouse from here on
    for _ in range(len(action.target_countries) + 1):
        search.press("Backspace")  # removes the chosen countries, last first
    type_countries(search, ["Germany", "Japan", "Brazil"])
    search.press("Backspace")  # a slip: Brazil goes again
    type_countries(search, ["Canada"])
    expect(page.locator(".ts-control .item")).to_have_count(3)
    expect(page.locator(".ts-control .item .remove").first).to_have_attribute(
        "aria-label", re.compile("Remove Germany"))
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("The action is saved.")
    action.refresh_from_db()
    assert {c.code for c in action.target_countries} == {"DE", "JP", "CA"}


def test_the_forms_work_without_javascript(live_server, browser):
    manager = UserFactory(email="nojs@example.org")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, manager.email)
    page.goto(live_server.url + "/clusters/new/")
    page.get_by_label(re.compile(r"^\s*Cluster name")).fill("Plain Select Cluster")
    expect(page.locator(".ts-wrapper")).to_have_count(0)
    page.locator("#id_country").select_option("PT")
    page.get_by_label(re.compile(r"^\s*Main sector")).select_option("energy")
    page.get_by_label(re.compile("Bottom-up")).check()
    page.get_by_role("button", name="Register and start the diagnostic").click()
    expect(page.get_by_role("heading", name="Cluster profile")).to_be_visible()
    assert Cluster.objects.get(name="Plain Select Cluster").country.code == "PT"
    context.close()


def _no_sideways_scroll(page, what):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what} scrolls sideways: {widths}"


MONTHS = {"en": "Jan|Feb|Mar|Apr|May|June|July|Aug|Sept|Oct|Nov|Dec",
          "fr": "jan\\.|fév\\.|mars|avr|mai|juin|juil\\.|août|sept\\.|oct\\.|nov\\.|déc\\.",
          "de": "Jan\\.|Feb\\.|März|Apr\\.|Mai|Juni|Juli|Aug\\.|Sep\\.|Okt\\.|Nov\\.|Dez\\."}


def test_main_pages_fit_and_are_captured_in_every_language(live_server, page):
    team = team_of("Baltic Photonics")
    plan = plan_for(team)
    plan_review.plan_transition(plan=plan, user=team.manager, to_status="submitted")
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, team.manager.email)
    pages = {"home": "/", "results": f"/diagnostics/{plan.diagnostic_id}/results/",
             "plan": plan.get_absolute_url(), "agenda": f"/plans/{plan.pk}/agenda/",
             "cluster": team.cluster.get_absolute_url(), "privacy": "/privacy/"}
    for language, switch in [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + "/")
        page.get_by_role("button", name=switch).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        for name, path in pages.items():
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            _no_sideways_scroll(page, f"{name} ({language}) at 1280 px")
            if name == "results":
                # The answer fits in the first screen: index, band, strongest, weakest, next.
                box = page.locator("#summary").bounding_box()
                assert box["y"] + box["height"] <= 900, box
                for part in ("overall-band", "strongest", "weakest", "next-step"):
                    expect(page.get_by_test_id(part)).to_be_in_viewport()
            if name == "agenda":  # the axis names months in the page's language
                expect(page.locator(".xtick").first).to_contain_text(
                    re.compile(MONTHS[language]))
            if name in {"home", "results", "plan", "agenda"}:
                page.screenshot(path=ARTIFACTS / f"{name}-{language}-1280.png", full_page=True)
            page.set_viewport_size({"width": 375, "height": 800})
            page.wait_for_timeout(300)  # plotly redraws at the new width
            _no_sideways_scroll(page, f"{name} ({language}) at 375 px")
            if name in {"home", "results", "plan", "agenda"}:
                page.screenshot(path=ARTIFACTS / f"{name}-{language}-375.png")
    assert page.request.get(live_server.url + "/favicon.ico").ok
