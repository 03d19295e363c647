"""Two clusters fill in questionnaire 2026.2 in a browser, with its conditional questions,
and get two plans that differ where their answers differ: one needs a facilitator and
names French- and German-speaking targets, the other does not. The first plan is then read
in English, French and German, on its page and in its PDF."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from diagnostic import services
from plans.models import ActionPlan
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, UserFactory
from tests.plans.pdf_support import pdf_text

from .test_plans_browser import field, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["motives", "driving_force", "strategy", "cooperation", "barriers", "experience",
            "first_contact", "funding"]

COMMON = {
    "motives": ["q1_new_markets"], "geographic_ambition": "q8_europe",
    "decisive_factors": ["factor_trust"], "intl_responsibility": "q2_manager",
    "intl_staff_fte": "1", "board_support": "board_formal",
    "current_strategy": ["q4_contact_networks"], "strategy_document": "doc_draft",
    "participating_members": ["members_smes", "members_research"],
    "partner_types": ["partner_clusters"], "partnership_readiness": "readiness_partly",
    "recent_achievements": ["exp_none"], "intl_partner_count": "0",
    "first_contact_mode": "contact_networking_visit", "support_fit": "fit_partly",
}
NEEDS_FACILITATOR = {  # a Spanish cluster aiming at France and Austria
    **COMMON, "country": "ES",
    "main_objectives": "Two partner clusters in Europe\nA joint Horizon Europe project",
    "objective_indicators": "Two cooperation agreements signed", "time_horizon": "horizon_3y",
    "cluster_driving_force": "df_leading_companies", "cooperation_themes": "Smart ports",
    "target_countries": ["FR", "AT"], "expected_barriers": ["q3_trust", "q3_language_distance"],
    "reduce_q3_trust": "Monthly calls between the two managers",
    "first_contact_by": "by_board", "facilitator_needed": "facilitator_yes",
    "facilitator_kind": "facilitator_een", "working_languages": "Spanish, English",
    "funding_planned": "funding_yes", "funding_sources": ["q7_fp"], "own_financing_pct": "20",
    "intl_budget_eur": "200000", "member_cofinancing": "cofin_yes",
    "member_cofinancing_pct": "30",
}
ON_ITS_OWN = {  # a Swedish cluster aiming at Norway and Denmark, no facilitator
    **COMMON, "country": "SE",
    "main_objectives": "Know our Nordic neighbours", "time_horizon": "horizon_1y",
    "cluster_driving_force": "df_management", "cooperation_themes": "Forestry robotics",
    "target_countries": ["NO", "DK"], "expected_barriers": ["q3_time"],
    "first_contact_by": "by_manager", "facilitator_needed": "facilitator_no",
    "working_languages": "Swedish, English", "funding_planned": "funding_not_yet",
}


def fill(page, answers):
    """Answer the questions shown, in order, as a person would; the questions that the
    answers open appear as they are answered."""
    for box in page.locator("[data-question]").all():
        if not box.is_visible():
            continue
        key = box.get_attribute("data-question")
        value = answers.get(key)
        if key == "past_activities":
            row = box.locator("tbody tr").first
            row.locator("input[type=text]").first.fill("Board")
            row.locator("select[name$=-country]").select_option(answers["target_countries"][0])
            row.locator("select[name$=-kind]").select_option("other")
        elif value is None:
            continue
        elif box.locator("input[type=radio]").count():
            box.locator(f"input[type=radio][value={value}]").check()
        elif box.locator("input[type=checkbox]").count():
            for choice in value:
                box.locator(f"input[type=checkbox][value={choice}]").check()
        elif box.locator("select[multiple]").count():
            box.locator("select[multiple]").select_option(value)
        elif box.locator("textarea").count():
            box.locator("textarea").fill(value)
        else:
            box.locator("input").first.fill(value)


def fill_questionnaire(page, live_server, diagnostic, answers):
    page.goto(f"{live_server.url}/diagnostics/{diagnostic.pk}/steps/motives/")
    for key in SECTIONS:
        expect(page).to_have_url(re.compile(f"/steps/{key}/$"))
        fill(page, answers)
        page.get_by_role("button", name=re.compile("^Save and (continue|review)")).click()
    expect(page.get_by_text("9 of 9 sections complete")).to_be_visible()
    page.get_by_role("button", name="Submit and lock").click()
    expect(page.get_by_text("The diagnostic is submitted and locked")).to_be_visible()


def make_team(email, country):
    manager = UserFactory(email=email)
    profile = {f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}
    cluster = services.cluster_create(user=manager, **{**profile, "country": country})
    return SimpleNamespace(cluster=cluster, manager=manager,
                           diagnostic=cluster.diagnostics.get())


def plan_rows(page):
    return [[cell.inner_text().strip() for cell in row.locator("td").all()]
            for row in page.locator("#actions-table tbody tr").all()]


LANGUAGE_BUTTONS = {"en": "English", "fr": "Français", "de": "Deutsch"}
# The French and German of the words this test checks in the PDF.
PDF_WORDS = {"en": ["Action plan", "Austria"], "fr": ["Plan d'action", "Autriche"],
             "de": ["Aktionsplan", "Österreich"]}


def read_in_each_language(page, live_server, plan):
    """The plan's page and its PDF in each language the reader switches to: the generated
    texts (statement, action titles, owners) in that language."""
    actions = list(plan.actions.order_by("position", "pk"))
    for language, button in LANGUAGE_BUTTONS.items():
        page.goto(live_server.url + "/")
        page.get_by_role("button", name=button).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto(live_server.url + plan.get_absolute_url())
        titles = [a.generated_texts["title"][language] for a in actions]
        rows = plan_rows(page)
        assert [row[1][:len(title)] for row, title in zip(rows, titles, strict=True)] == titles
        assert rows[1][2] == actions[1].generated_texts["owner_role"][language]
        statement = plan.generated_texts["statement"][language]
        expect(page.locator("body")).to_contain_text(statement[:60])

        # Rendered inline (tests run tasks eagerly), charts included: seconds on a busy
        # machine.
        page.get_by_test_id("pdf-request").click(timeout=120_000)
        with page.expect_download() as download:
            page.get_by_test_id("pdf-download").click()
        text = pdf_text(Path(download.value.path()).read_bytes())
        assert download.value.suggested_filename.endswith(f"-{language}.pdf")
        for words in [*PDF_WORDS[language], statement[:60], *titles]:
            assert " ".join(words.split()) in text, (language, words)


def test_two_clusters_get_plans_that_follow_their_answers(live_server, page, settings,
                                                          tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    plans = {}
    for name, answers in (("facilitator", NEEDS_FACILITATOR), ("own", ON_ITS_OWN)):
        team = make_team(f"{name}@example.org", answers["country"])
        plans[f"{name}_manager"] = team.manager
        log_in(page, live_server, team.manager.email)
        # Without the facilitator answer, its follow-up question stays hidden.
        page.goto(f"{live_server.url}/diagnostics/{team.diagnostic.pk}/steps/first_contact/")
        expect(page.locator("[data-question=facilitator_kind]")).to_be_hidden()
        fill_questionnaire(page, live_server, team.diagnostic, answers)

        page.goto(f"{live_server.url}/diagnostics/{team.diagnostic.pk}/strategy/")
        for code in answers["target_countries"]:
            market = page.locator(f"[data-market={code}]")
            for factor in ("score", "language", "eu_eea", "distance", "members", "peers"):
                expect(market.locator(f"[data-factor={factor}]")).not_to_be_empty()
        if name == "facilitator":
            expect(page.locator("[data-market=AT] [data-factor=language]")).to_contain_text(
                "none")
            expect(page.locator(".own-idea")).to_contain_text("Monthly calls")
            # The team puts Austria first; the plan's first actions go there.
            page.locator("input[name=rank_AT]").fill("1")
            page.locator("input[name=rank_FR]").fill("2")
            page.get_by_role("button", name="Save the order").click()
            expect(page.get_by_text("The order of your target markets is saved")).to_be_visible()
        field(page, "Plan start").fill("2027-01-01")
        page.get_by_role("button", name="Make the draft action plan").click()
        expect(page.locator("[data-plan-status]")).to_have_text("draft")
        plans[name] = SimpleNamespace(
            plan=ActionPlan.objects.get(diagnostic=team.diagnostic), rows=plan_rows(page),
            objectives=page.locator("#objectives-table").inner_text(),
            markets=page.locator("#plan-markets").inner_text(),
            funding=page.locator("#plan-funding").inner_text()
            if page.locator("#plan-funding").count() else "")

    helped, alone = plans["facilitator"], plans["own"]
    # First-contact actions, their owners and the facilitator asked for.
    assert helped.rows[0][1].startswith("Engage Enterprise Europe Network")
    assert helped.rows[1][1].startswith("First contact with partner clusters in Austria")
    assert helped.rows[1][2] == "A board member, with Enterprise Europe Network"
    assert helped.rows[2][1].startswith("First contact with partner clusters in France")
    assert alone.rows[0][1].startswith("First contact with partner clusters in Norway")
    assert alone.rows[0][2] == "Cluster manager"
    assert not any(row[1].startswith("Engage") for row in alone.rows)
    # Targets per action: one country each for the contacts and the visits.
    assert helped.rows[1][5].startswith("Austria") and alone.rows[1][5].startswith("Denmark")
    assert len({row[5] for row in helped.rows}) > 2
    # The shortlist's order reached the plan.
    assert helped.markets == "Austria, France" and alone.markets == "Norway, Denmark"
    # Periods, objectives and funding amounts.
    assert (helped.plan.end_date - helped.plan.start_date).days >= 3 * 365
    assert (alone.plan.end_date - alone.plan.start_date).days < 2 * 365
    assert "Two cooperation agreements signed" in helped.objectives
    assert "Know our Nordic neighbours" in alone.objectives
    assert "200000 €" in helped.funding and alone.funding == ""
    assert helped.plan.profile["funding"]["members"] == 60000
    # The owners of partnership actions follow the driving force.
    owners = {row[2] for row in helped.rows}
    assert "Leading member companies" in owners
    assert "Leading member companies" not in {row[2] for row in alone.rows}
    # The language measure for France and Austria (no shared working language).
    assert any(row[1].startswith("Reduce language and distance barriers") for row in helped.rows)

    # A new order once the plan exists reaches its generated actions.
    log_in(page, live_server, plans["facilitator_manager"].email)
    page.goto(f"{live_server.url}/diagnostics/{helped.plan.diagnostic_id}/strategy/")
    page.locator("input[name=rank_FR]").fill("1")
    page.locator("input[name=rank_AT]").fill("2")
    page.get_by_role("button", name="Save the order").click()
    expect(page.get_by_text("your plan's generated actions follow it")).to_be_visible()
    page.goto(live_server.url + helped.plan.get_absolute_url())
    rows = plan_rows(page)
    assert rows[1][1].startswith("First contact with partner clusters in France")
    assert rows[1][5].startswith("France") and rows[2][5].startswith("Austria")
    assert page.locator("#plan-markets").inner_text() == "France, Austria"

    # The same plan read in English, French and German, on its page and in its PDF.
    helped.plan.refresh_from_db()
    read_in_each_language(page, live_server, helped.plan)
