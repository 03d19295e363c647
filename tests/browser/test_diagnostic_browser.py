"""A new user fills in the whole questionnaire in French, leaves halfway, comes back on a
fresh browser session and submits."""

import re

import pytest
from playwright.sync_api import expect

from diagnostic.models import Answer, Diagnostic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Blue-Harbour-1987"


def pick_countries(page, select, names):
    """Type each country's name in the country picker next to `select` and press Enter,
    as a person does (the plain select is hidden by the picker)."""
    search = select.locator("xpath=following-sibling::div[contains(@class, 'ts-wrapper')]"
                            "//input")
    for name in names:
        search.fill(name)
        expect(page.locator(".ts-dropdown .option.active").first).to_contain_text(name)
        search.press("Enter")


def fill_step(page):
    """Answer every question of the step shown, as a person would: first choices, small
    numbers, a sentence, two countries, one row of past activities."""
    for box in page.locator("[data-question]").all():
        if not box.is_visible():
            continue  # a conditional question that the answers so far do not open
        radios = box.locator("input[type=radio]")
        checkboxes = box.locator("input[type=checkbox]:not([name$=DELETE])")
        if radios.count():
            radios.first.check()
        elif box.locator("table").count():
            row = box.locator("tbody tr").first
            row.locator("input[type=text]").first.fill("Direction du cluster")
            row.locator("input[type=number]").first.fill("2023")
            last = row.locator("select").last
            if last.get_attribute("data-country-picker") is not None:
                pick_countries(page, last, ["Suède"])
            else:
                last.select_option(index=1)
        elif checkboxes.count():
            checkboxes.first.check()
        elif box.locator("select[multiple]").count():
            pick_countries(page, box.locator("select[multiple]"), ["Suède", "Finlande"])
        elif box.locator("textarea").count():
            box.locator("textarea").fill("Deux partenariats de R&D en Europe du Nord.")
        elif box.locator("input[type=number]").count():
            field = box.locator("input[type=number]")
            if not field.input_value():
                field.fill("3")
        elif box.locator("input[type=text]").count():
            field = box.locator("input[type=text]")
            if not field.input_value():
                field.fill("FR, EN")


def log_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile("Adresse e-mail|Email address")).fill(email)
    page.get_by_label(re.compile(r"^\s*(Mot de passe|Password)\W*$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Se connecter|Log in)$")).click()


def test_fill_in_french_leave_halfway_resume_and_submit(live_server, page, browser):
    page.goto(live_server.url)
    page.get_by_role("button", name="Français").click()
    page.get_by_role("link", name="Créer un compte", exact=True).click()
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_label(re.compile(r"^\s*Mot de passe\W*$")).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    page.get_by_role("link", name="Enregistrer un cluster").click()
    page.get_by_label("Nom du cluster").fill("Pôle Mer Bretagne")
    pick_countries(page, page.locator("#id_country"), ["France"])
    page.get_by_label("Secteur principal").select_option("mobility")
    page.get_by_label(re.compile("Bottom-up")).check()
    page.get_by_role("button", name="Enregistrer et commencer le diagnostic").click()

    expect(page.get_by_role("heading", name="Profil du cluster")).to_be_visible()
    for label, value in [("Entreprises membres", "120"), ("Dont PME", "90"),
                         ("Instituts de recherche", "8"), ("Universités", "4"),
                         ("Emplois dans les organisations membres", "15000")]:
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    for heading in ["Raisons / motivations et objectifs", "Élément moteur et responsabilités",
                    "Stratégie actuelle", "Profil de la coopération"]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        fill_step(page)
        page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_text("5 sections terminées sur 9")).to_be_visible()
    page.get_by_role("button", name="Enregistrer et finir plus tard").click()
    expect(page.get_by_text("Vos réponses sont enregistrées")).to_be_visible()

    # Another device: a new browser context with no cookies.
    other = browser.new_context()
    page = other.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url)
    page.get_by_role("button", name="Français").click()
    log_in(page, live_server, "ines@example.org")
    page.get_by_role("link", name=re.compile("Pôle Mer Bretagne")).click()
    page.get_by_role("link", name="Continuer").click()

    for heading in ["Barrières / freins", "Expériences déjà réalisées", "Premier contact",
                    "Financement"]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        fill_step(page)
        button = "Enregistrer et continuer" if heading != "Financement" else "Enregistrer et relire"
        page.get_by_role("button", name=re.compile(button)).click()

    expect(page.get_by_text("9 sections terminées sur 9")).to_be_visible()
    # In the order the person picked them (the picker posts its tags in that order).
    expect(page.locator("[data-answer=target_countries]")).to_have_text("Suède, Finlande")
    consent = page.get_by_label("Inclure ce diagnostic, de façon anonyme, dans le benchmark "
                                "des pairs")
    expect(consent).not_to_be_checked()  # opt-in: never ticked in advance
    expect(page.get_by_text("au moins 5 clusters")).to_be_visible()
    consent.check()
    page.get_by_role("button", name="Soumettre et verrouiller").click()

    expect(page.get_by_text("Le diagnostic est soumis et verrouillé")).to_be_visible()
    expect(page.get_by_role("heading", name="Indice d'internationalisation")).to_be_visible()
    expect(page.locator("[data-chart=radar-data][data-drawn=true]")).to_be_visible()
    expect(page.locator("[data-question=expected_barriers]")).to_contain_text("étude de 2007")
    expect(page.get_by_role("heading", name="Internationalisation par secteur")).to_be_visible()
    expect(page.locator("[data-view=governance]")).to_contain_text("Markusen (1996)")
    expect(page.locator("[data-question=expected_barriers]")).to_contain_text(
        "« jeweils ein Fünftel » : un cinquième chacun")
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.status == "submitted"
    assert diagnostic.benchmark_consent is True
    assert Answer.objects.filter(diagnostic=diagnostic).exclude(value=None).count() >= 28
    assert Answer.objects.get(question__key="past_activities").value[0]["year"] == 2023
    other.close()


def test_autosave_keeps_what_is_typed_without_pressing_a_button(live_server, page, team):
    team.manager.set_password(PASSWORD)
    team.manager.language = "fr"
    team.manager.save()
    log_in(page, live_server, team.manager.email)
    page.goto(f"{live_server.url}/diagnostics/{team.diagnostic.pk}/steps/motives/")

    page.get_by_label(re.compile("principaux objectifs")).fill("Trouver deux clusters partenaires")
    expect(page.locator(".autosave-status")).to_contain_text("enregistrées à")
    page.get_by_label(re.compile("Pour accéder à de nouveaux marchés")).check()
    page.get_by_label(re.compile("Pour l'échange")).check()
    page.get_by_label(re.compile("Pour mieux se positionner")).check()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez au plus 2 réponses")

    assert Answer.objects.get(question__key="main_objectives").value == (
        "Trouver deux clusters partenaires")
