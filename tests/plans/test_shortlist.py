"""The target-market shortlist on the strategy page, its order in the plan, and the plan
pages' query counts with 1 and 30 actions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from django_countries import countries

from diagnostic import services as diagnostic_services
from diagnostic.models import Question
from plans import review, services
from plans.models import ActionPlan, MarketShortlist
from plans.pdf.render import plan_html
from plans.rules import Recommendation, Strategy, Trigger
from plans.shortlist import with_language_measure
from plans.strategy import strategy_for_diagnostic
from tests.factories import answer_everything, plan_for, submitted_diagnostic

pytestmark = [pytest.mark.django_db]
START = datetime.date(2027, 1, 1)
NAMES = {"FR": {"fr": "France", "de": "Frankreich"}, "AT": {"fr": "Autriche", "de": "Österreich"},
         "PL": {"fr": "Pologne", "de": "Polen"}}


def _submitted_with(team, **answers):
    answer_everything(team.diagnostic, team.manager)
    questions = {q.key: q for q in Question.objects.filter(
        section__version=team.diagnostic.version, key__in=answers)}
    diagnostic_services.answers_save(diagnostic=team.diagnostic, user=team.manager,
                                     section_key="funding",
                                     values={questions[k]: v for k, v in answers.items()})
    return diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                                 benchmark_consent=False)


def test_the_strategy_page_shows_every_factor_of_every_country(client, team):
    diagnostic = _submitted_with(team, target_countries=["FR", "AT"],
                                 working_languages="German",
                                 reduce_q3_trust="Monthly calls between managers")
    client.force_login(team.member)

    response = client.get(reverse("plans:strategy", args=[diagnostic.pk]))

    rows = {row["market"].country: row["market"] for row in response.context["markets"]}
    assert set(rows) == {"FR", "AT"}
    assert rows["AT"].shared_languages == ["de"] and rows["FR"].shared_languages == []
    for code in ("FR", "AT"):
        assert f'data-market="{code}"' in response.text
    for factor in ("language", "eu_eea", "distance", "members", "peers"):
        assert response.text.count(f'data-factor="{factor}"') == 2
    assert "Monthly calls between managers" in response.text  # beside our counter-measure
    assert "Your working languages are not official in: France." in response.text


def test_the_team_reorders_and_drops_countries_and_the_plan_follows(client, team):
    diagnostic = _submitted_with(team, target_countries=["FR", "AT", "PL"])
    client.force_login(team.member)
    url = reverse("plans:shortlist", args=[diagnostic.pk])

    saved = client.post(url, {"revision": 0, "rank_PL": 1, "rank_FR": 2, "rank_AT": ""})
    stale = client.post(url, {"revision": 0, "rank_AT": 1})
    client.post(reverse("plans:create", args=[diagnostic.pk]), {"start_date": "2027-01-01"})

    assert saved.status_code == 302
    assert stale.status_code == 400 and "changed meanwhile" in stale.text
    assert MarketShortlist.objects.get(diagnostic=diagnostic).countries == ["PL", "FR"]
    plan = ActionPlan.objects.get()
    assert [m["country"] for m in plan.profile["markets"]] == ["PL", "FR"]
    contacts = plan.actions.filter(template_key="first_contact").order_by("position")
    assert [[c.code for c in a.target_countries] for a in contacts] == [["PL"], ["FR"]]
    assert not any("AT" in [c.code for c in a.target_countries] for a in plan.actions.all())


def test_a_bad_rank_gets_a_message_next_to_the_field(client, team):
    diagnostic = _submitted_with(team, target_countries=["FR"])
    client.force_login(team.member)

    response = client.post(reverse("plans:shortlist", args=[diagnostic.pk]),
                           {"revision": 0, "rank_FR": "-3"})

    assert response.status_code == 400
    assert response.context["shortlist_form"].errors["rank_FR"]
    assert not MarketShortlist.objects.exists()


def test_the_plan_keeps_objectives_period_profile_and_amounts(team):
    diagnostic = _submitted_with(
        team, main_objectives="Two partner clusters\nA joint project",
        objective_indicators="Two agreements signed", time_horizon="horizon_3y",
        funding_planned="funding_yes", intl_budget_eur=120000, own_financing_pct=25,
        member_cofinancing="cofin_yes", member_cofinancing_pct=25,
        cooperation_themes="Hydrogen")
    plan = services.plan_generate(diagnostic=diagnostic, user=team.manager, start_date=START)

    assert plan.objectives[0] == {"text": "Two partner clusters",
                                  "indicator": "Two agreements signed"}
    assert len(plan.objectives) == 2 and plan.objectives[1]["indicator"]
    assert plan.end_date >= START + datetime.timedelta(days=3 * 365)
    assert plan.profile["funding"] == {"budget": 120000, "own": 30000, "members": 30000,
                                       "public": 60000}
    assert plan.profile["themes"] == "Hydrogen"


def test_the_pdf_shows_the_objectives_and_the_cooperation_profile(team):
    diagnostic = _submitted_with(
        team, main_objectives="Two partner clusters", objective_indicators="Two agreements",
        funding_planned="funding_yes", intl_budget_eur=120000, own_financing_pct=25,
        cooperation_themes="Hydrogen storage")
    plan = services.plan_generate(diagnostic=diagnostic, user=team.manager, start_date=START)

    html = plan_html(plan_id=plan.pk, language="fr", with_images=False)

    section = html[html.index('<section id="objectives">'):]
    section = section[:section.index("</section>")]
    assert "Objectifs et profil de coopération" in section
    assert "<td>Two partner clusters</td><td>Two agreements</td>" in section
    assert "Hydrogen storage" in section and "120000 €" in section


def test_plan_pages_keep_their_query_count_with_1_and_30_actions(client, team):
    plan = plan_for(team, start_date=START)
    client.force_login(team.member)
    first = plan.actions.order_by("position").first()
    counts = []
    for size in (1, 30):
        plan.actions.exclude(pk=first.pk).delete()
        for i in range(size - 1):
            first.pk, first.position, first.title = None, i + 2, f"Action {i}"
            first.save()
        first = plan.actions.order_by("position").first()
        assert plan.actions.count() == size
        page_counts = []
        for url in (reverse("plans:detail", args=[plan.pk]),
                    reverse("plans:agenda", args=[plan.pk]),
                    reverse("plans:history", args=[plan.pk]),
                    reverse("plans:strategy", args=[plan.diagnostic_id])):
            client.get(url)  # the first visit in a process reads the frozen playbook once
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            page_counts.append(len(queries))
        counts.append(page_counts)
    assert counts[0] == counts[1]


def test_the_shortlist_is_for_the_team_only(client, team):
    diagnostic = submitted_diagnostic(team)
    MarketShortlist.objects.create(diagnostic=diagnostic, countries=["SE"])
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(reverse("plans:shortlist", args=[diagnostic.pk]),
                           {"revision": 1, "rank_SE": 1})
    assert response.status_code == 404


# --- The order reaches a plan that already exists -------------------------------------------

def _targets(action) -> list[str]:
    return [c.code for c in action.target_countries]


def _plan_for_markets(team, countries, **answers):
    diagnostic = _submitted_with(team, target_countries=countries, **answers)
    with override("en"):
        return services.plan_generate(diagnostic=diagnostic, user=team.manager,
                                      start_date=START)


def _fields(action) -> dict:
    return {name: getattr(action, name) for name in (
        "title", "description", "owner", "owner_role", "start_date", "due_date",
        "target_countries", "target_markets", "milestone", "milestone_date", "funding",
        "indicator", "status")}


def test_a_new_order_moves_the_generated_actions_and_keeps_what_a_person_changed(team):
    plan = _plan_for_markets(team, ["FR", "AT", "PL"])
    first, dropped, last = [m["country"] for m in plan.profile["markets"]]  # by score
    contacts = list(plan.actions.filter(template_key="first_contact").order_by("position"))
    assert [_targets(a) for a in contacts] == [[first], [dropped]]
    visits = list(plan.actions.filter(template_key="first_networking_visit")
                  .order_by("position"))
    renamed, retargeted = visits  # the team renames one visit, retargets the other
    with override("en"):
        services.action_update(action=renamed, user=team.manager, revision=renamed.revision,
                               fields={**_fields(renamed), "title": "Our visit to Lyon"})
        services.action_update(action=retargeted, user=team.manager,
                               revision=retargeted.revision,
                               fields={**_fields(retargeted), "target_countries": ["SE"]})
    revision = plan.revision + 2

    with override("en"):
        services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=0,
                                countries=[last, first])

    plan.refresh_from_db()
    contacts = list(plan.actions.filter(template_key="first_contact").order_by("position"))
    assert [_targets(a) for a in contacts] == [[last], [first]]
    names = {"en": str(countries.name(last)), "fr": NAMES[last]["fr"], "de": NAMES[last]["de"]}
    assert contacts[0].title == f"First contact with partner clusters in {names['en']}"
    assert names["fr"] in contacts[0].generated_texts["title"]["fr"]
    assert contacts[0].generated_texts["title"]["fr"].startswith("Premier contact")
    assert names["de"] in contacts[0].generated_texts["title"]["de"]
    assert contacts[0].updated_by == team.member and contacts[0].revision == 2
    renamed.refresh_from_db()
    retargeted.refresh_from_db()
    assert (renamed.title, _targets(renamed)) == ("Our visit to Lyon", [first])
    assert _targets(retargeted) == ["SE"] and str(countries.name(dropped)) in retargeted.title
    assert [a.template_key for a in plan.actions.exclude(pk=retargeted.pk)
            if dropped in _targets(a)] == []
    assert [m["country"] for m in plan.profile["markets"]] == [last, first]
    assert plan.revision == revision + 1 and plan.updated_by == team.member


def test_an_edit_form_opened_before_the_new_order_gets_a_conflict(team):
    plan = _plan_for_markets(team, ["FR", "AT"])
    contact = plan.actions.filter(template_key="first_contact").order_by("position").first()
    order = [m["country"] for m in plan.profile["markets"]]

    services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=0,
                            countries=order[::-1])

    with pytest.raises(services.PlanConflict):
        services.action_update(action=contact, user=team.manager, revision=contact.revision,
                               fields={**_fields(contact), "milestone": "Met"})
    contact.refresh_from_db()
    assert _targets(contact) == [order[1]]


def test_a_plan_with_its_facilitator_keeps_its_markets(client, team):
    plan = _plan_for_markets(team, ["FR", "AT"])
    review.plan_transition(plan=plan, user=team.manager, to_status="submitted",
                             revision=plan.revision)
    before = {a.pk: (_targets(a), a.title, a.revision) for a in plan.actions.all()}

    services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=0,
                            countries=["AT"])

    assert {a.pk: (_targets(a), a.title, a.revision) for a in plan.actions.all()} == before
    assert MarketShortlist.objects.get(diagnostic=plan.diagnostic).countries == ["AT"]
    client.force_login(team.member)
    page = client.get(reverse("plans:strategy", args=[plan.diagnostic_id])).text
    assert 'name="rank_AT"' not in page and "The plan was made with this order" in page


def test_the_strategy_page_reorders_the_plan_and_a_double_click_is_no_error(client, team):
    plan = _plan_for_markets(team, ["FR", "AT"])
    client.force_login(team.member)
    url = reverse("plans:shortlist", args=[plan.diagnostic_id])

    assert [m["country"] for m in plan.profile["markets"]] == ["AT", "FR"]  # by score
    form = client.get(reverse("plans:strategy", args=[plan.diagnostic_id])).text
    assert 'name="rank_FR"' in form and "also reaches your draft plan" in form

    first = client.post(url, {"revision": 0, "rank_FR": 1, "rank_AT": 2}, follow=True)
    again = client.post(url, {"revision": 0, "rank_FR": 1, "rank_AT": 2})

    assert "your plan&#x27;s generated actions follow it" in first.text
    assert again.status_code == 400 and "changed meanwhile" in again.text
    contacts = plan.actions.filter(template_key="first_contact").order_by("position")
    assert [_targets(a) for a in contacts] == [["FR"], ["AT"]]
    page = client.get(plan.get_absolute_url()).text
    assert page.index("First contact with partner clusters in France") < page.index(
        "First contact with partner clusters in Austria")


def _language_countries(plan) -> list[list[str]]:
    return [t["value"] for r in plan.strategy["recommendations"] for t in r["triggers"]
            if t["kind"] == "language"]


def test_the_language_measure_names_the_markets_of_the_new_order(client, team):
    plan = _plan_for_markets(team, ["FR", "AT", "PL"], working_languages="German")
    apart = [m["country"] for m in plan.profile["markets"] if m["country"] != "AT"]
    assert _language_countries(plan) == [apart]  # Austria shares German

    services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=0,
                            countries=["PL", "AT"])
    plan.refresh_from_db()
    assert _language_countries(plan) == [["PL"]]
    client.force_login(team.member)
    page = client.get(plan.get_absolute_url()).text
    assert "not official in: Poland." in page

    services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=1,
                            countries=["AT"])
    plan.refresh_from_db()
    assert _language_countries(plan) == []  # every market shares a language: no measure
    assert "not official in" not in client.get(plan.get_absolute_url()).text

    # A market apart again: the measure comes back, as a plan generated now would have it.
    services.shortlist_save(diagnostic=plan.diagnostic, user=team.member, revision=2,
                            countries=["AT", "PL"])
    plan.refresh_from_db()
    assert _language_countries(plan) == [["PL"]]
    assert [(r["kind"], r["key"], r["priority"]) for r in plan.strategy["recommendations"]
            ] == [(r.kind, r.key, r.priority) for r in _generated_now(plan).recommendations]
    assert "not official in: Poland." in client.get(plan.get_absolute_url()).text


def _generated_now(plan):
    """The strategy that generating the plan now, with the current order, would give."""
    return strategy_for_diagnostic(plan.diagnostic, version=plan.playbook).strategy


def test_the_language_measure_named_by_the_team_keeps_its_answer_and_follows_the_markets():
    named = Recommendation("barrier", "q3_language_distance", 1,
                           [Trigger("answer", "expected_barriers", "q3_language_distance"),
                            Trigger("language", "working_languages", ["PL"])])
    other = Recommendation("instrument", "strategic_dialogue", 1,
                           [Trigger("answer", "current_strategy", "x")])
    strategy = Strategy(phase="explore", phase_triggers=[], recommendations=[named, other])

    shared = with_language_measure(strategy, None)
    apart = with_language_measure(strategy, Trigger("language", "working_languages", ["HU"]))

    assert [(r.key, r.triggers) for r in shared.recommendations] == [
        ("q3_language_distance", [named.triggers[0]]), ("strategic_dialogue", other.triggers)]
    assert [(r.key, r.triggers) for r in apart.recommendations] == [
        ("q3_language_distance", [named.triggers[0],
                                  Trigger("language", "working_languages", ["HU"])]),
        ("strategic_dialogue", other.triggers)]
