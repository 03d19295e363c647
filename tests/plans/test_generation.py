"""The draft plan from the answers: pure rules, table-driven."""

import datetime

import pytest

from plans import generation
from plans.playbook.load import read_version_file
from plans.rules import Recommendation, Strategy, Trigger

START = datetime.date(2027, 1, 1)
PLAYBOOK = read_version_file("v1.json")


@pytest.mark.parametrize(("template", "answers", "governance", "owner"), [
    ("first_contact", {"first_contact_by": "by_board"}, "", "A board member"),
    ("first_contact", {}, "", "Cluster manager"),
    ("b2b_matchmaking", {"cluster_driving_force": "df_leading_companies",
                         "intl_responsibility": "q2_board"}, "", "Leading member companies"),
    ("internationalisation_dialogue", {"cluster_driving_force": "df_leading_companies",
                                       "intl_responsibility": "q2_working_group"}, "",
     "Internationalisation working group"),
    ("internationalisation_dialogue", {"intl_responsibility": "q2_manager"},
     "top_down_external", "Management board, with the external sponsor"),
    ("funding_plan", {"intl_responsibility": "q2_manager"}, "bottom_up", "Cluster manager"),
])
def test_who_owns_which_action(template, answers, governance, owner):
    assert generation.action_owner(template, answers, governance) == owner


@pytest.mark.parametrize(("answers", "months"), [
    ({"time_horizon": "horizon_1y"}, 12), ({"time_horizon": "horizon_3y"}, 36),
    ({"time_horizon": "horizon_5y"}, 60), ({}, 12)])
def test_the_time_horizon_sets_the_plan_period(answers, months):
    assert generation.plan_months(answers) == months


@pytest.mark.parametrize(("answers", "objectives"), [
    ({"main_objectives": "Two partners\n- Joint R&D", "objective_indicators": "2 agreements",
      "motives": ["q1_new_knowhow"]},
     [{"text": "Two partners", "indicator": "2 agreements"},
      {"text": "Joint R&D",
       "indicator": "Number of joint R&D projects started with partner clusters"}]),
    ({"main_objectives": "Grow"}, [{"text": "Grow", "indicator":
                                    "Number of cooperation agreements signed with partner "
                                    "clusters"}]),
    ({}, []),
])
def test_objectives_each_with_an_indicator(answers, objectives):
    assert generation.plan_objectives(answers, "en") == objectives


@pytest.mark.parametrize(("answers", "amounts"), [
    ({"funding_planned": "funding_yes", "intl_budget_eur": 100000, "own_financing_pct": 30,
      "member_cofinancing": "cofin_yes", "member_cofinancing_pct": 20},
     {"budget": 100000, "own": 30000, "members": 20000, "public": 50000}),
    ({"funding_planned": "funding_yes", "intl_budget_eur": 50000, "own_financing_pct": 100,
      "member_cofinancing": "cofin_no", "member_cofinancing_pct": 20},
     {"budget": 50000, "own": 50000, "members": 0, "public": 0}),
    ({"funding_planned": "funding_not_yet", "intl_budget_eur": 50000}, None),
    ({}, None),
])
def test_funding_amounts(answers, amounts):
    assert generation.funding_amounts(answers) == amounts


def _draft(answers, markets=("FR", "AT"), recommendations=()):
    return generation.draft_actions(
        strategy=Strategy(phase="get_to_know", phase_triggers=[],
                          recommendations=list(recommendations)),
        playbook=PLAYBOOK, answers=answers, start_date=START, language="en",
        markets=list(markets))


def test_first_contacts_with_the_owner_and_the_facilitator_asked_for():
    actions = _draft({"first_contact_by": "by_member", "first_contact_mode": "contact_b2b",
                      "facilitator_needed": "facilitator_yes",
                      "facilitator_kind": "facilitator_een"})
    assert actions[0]["title"] == "Engage Enterprise Europe Network for the first contacts"
    contacts = [a for a in actions if a["template_key"] == "first_contact"]
    assert [a["target_countries"] for a in contacts] == [["FR"], ["AT"]]
    assert contacts[0]["owner_role"] == "A member company, with Enterprise Europe Network"
    assert "B2B meetings" in contacts[0]["description"]


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Engage the regional development agency for the first contacts"),
    ("fr", "Faire appel à l'agence régionale de développement pour les premiers contacts"),
    ("de", "Die regionale Wirtschaftsförderung für die ersten Kontakte gewinnen"),
])
def test_a_title_that_starts_with_the_facilitator_starts_with_a_capital(language, title):
    actions = generation.draft_actions(
        strategy=Strategy(phase="get_to_know", phase_triggers=[], recommendations=[]),
        playbook=PLAYBOOK, start_date=START, language=language, markets=["FR"],
        answers={"facilitator_needed": "facilitator_yes",
                 "facilitator_kind": "facilitator_regional_agency"})
    assert actions[0]["title"] == title


def test_no_facilitator_when_none_is_asked_for():
    actions = _draft({"first_contact_by": "by_manager", "facilitator_needed": "facilitator_no"})
    assert not [a for a in actions if a["template_key"] == "engage_facilitator"]
    assert {a["owner_role"] for a in actions if a["template_key"] == "first_contact"} == {
        "Cluster manager"}


def test_instruments_become_actions_with_their_own_targets():
    recs = [Recommendation("instrument", "networking_visits", 2),
            Recommendation("instrument", "b2b_meetings", 2),
            Recommendation("instrument", "joint_working_group", 2)]
    actions = _draft({}, markets=("SE", "FI", "NO"), recommendations=recs)
    by_key = {}
    for action in actions:
        by_key.setdefault(action["template_key"], []).append(action["target_countries"])
    assert by_key["first_networking_visit"] == [["SE"], ["FI"]]  # in the shortlist's order
    assert len(by_key["b2b_matchmaking"][0]) == 1
    assert len(by_key["set_up_joint_working_group"][0]) == 2
    assert by_key["select_target_markets"] == [["SE", "FI", "NO"]]


def test_the_teams_own_idea_is_the_text_of_the_counter_measure():
    recs = [Recommendation("barrier", "q3_trust", 1,
                           [Trigger("answer", "expected_barriers", "q3_trust")]),
            Recommendation("barrier", "q3_time", 1)]
    actions = _draft({"reduce_q3_trust": "Monthly calls between the managers"},
                     recommendations=recs)
    trust = next(a for a in actions if a["template_key"] == "barrier_q3_trust")
    time = next(a for a in actions if a["template_key"] == "barrier_q3_time")
    assert trust["description"] == "Monthly calls between the managers"
    measure = next(m for m in PLAYBOOK["barrier_measures"] if m["barrier"] == "q3_time")
    assert time["description"] == measure["description"]["en"]


def test_themes_and_members_go_to_the_working_group_and_amounts_to_the_funding_plan():
    answers = {"cooperation_themes": "Hydrogen storage",
               "participating_members": ["members_smes", "members_research"],
               "funding_planned": "funding_yes", "intl_budget_eur": 100000,
               "own_financing_pct": 30}
    actions = _draft(answers, recommendations=[
        Recommendation("instrument", "joint_working_group", 2)])
    group = next(a for a in actions if a["template_key"] == "set_up_joint_working_group")
    funding = next(a for a in actions if a["template_key"] == "funding_plan")
    assert "Hydrogen storage" in group["description"]
    assert "SMEs, research institutes" in group["description"]
    assert "100\u202f000 €" in funding["description"] and "70\u202f000 €" in funding["description"]
