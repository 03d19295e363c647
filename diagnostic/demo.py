"""The demo cluster of a development machine: clearly named and flagged as demo data."""

from django.db import transaction

from . import services
from .models import Cluster, Membership, Question

DEMO_CLUSTER_NAME = "Demo: Alpine Photonics Cluster (sample data)"
DEMO_SUBMITTED_NAME = "Demo: North Sea Mobility Cluster (sample data)"

# A partly filled diagnostic: the first four steps are answered, the rest is left to try.
DEMO_ANSWERS = {
    "motives": ["q1_new_markets", "q1_new_knowhow"],
    "main_objectives": "Find two partner clusters in photonics for joint R&D projects.",
    "geographic_ambition": "q8_europe",
    "time_horizon": "horizon_3y",
    "cluster_driving_force": "df_management",
    "intl_responsibility": "q2_manager",
    "intl_staff_fte": 0.5,
    "board_support": "board_informal",
    "current_strategy": ["q4_contact_networks", "q4_joint_rd"],
    "strategy_document": "doc_draft",
    "members_active_abroad_pct": 35,
}


@transaction.atomic
def seed_demo_cluster(*, manager, colleague, facilitator) -> Cluster:
    cluster = Cluster.objects.filter(name=DEMO_CLUSTER_NAME, is_demo=True).first()
    if cluster is not None:
        return cluster
    cluster = services.cluster_create(
        user=manager, name=DEMO_CLUSTER_NAME, country="FR", region="Auvergne-Rhône-Alpes",
        sector="micro_nano_opto", governance="bottom_up", companies=85, smes=70,
        research_institutes=6, universities=3, other_members=4, jobs=12000, year_founded=2006,
        management_fte=4.5, is_demo=True)
    Membership.objects.create(cluster=cluster, user=colleague, role=Membership.Role.MEMBER)
    cluster.facilitators.add(facilitator)
    diagnostic = cluster.diagnostics.get()
    questions = Question.objects.filter(section__version=diagnostic.version,
                                        key__in=DEMO_ANSWERS)
    services.answers_save(
        diagnostic=diagnostic, user=manager, section_key="strategy",
        values={q: DEMO_ANSWERS[q.key] for q in questions})
    return cluster


SUBMITTED_ANSWERS = {
    **DEMO_ANSWERS,
    "motives": ["q1_market_position", "q1_new_markets"],
    "current_strategy": ["q4_contact_networks"],
    "cooperation_themes": "Zero-emission shipping and port logistics.",
    "participating_members": ["members_smes", "members_research"],
    "target_countries": ["NO", "DK", "NL"],
    "partner_types": ["partner_clusters", "partner_research"],
    "expected_barriers": ["q3_trust", "q3_funding"],
    "partnership_readiness": "readiness_partly",
    "recent_achievements": ["q9_eu_coop_same_field"],
    "intl_partner_count": 4,
    "past_activities": [{"actor": "Cluster management", "region": "Scandinavia",
                         "country": "DK", "year": 2024, "kind": "networking_visit"}],
    "first_contact_mode": "contact_networking_visit",
    "first_contact_by": "by_manager",
    "facilitator_needed": "facilitator_maybe",
    "funding_sources": ["q7_interreg", "q7_national"],
    "member_cofinancing": "cofin_partly",
    # Questions of questionnaire 2026.2 (some shown only because of the answers above).
    "objective_indicators": "Two cooperation agreements signed by the end of the plan.",
    "decisive_factors": ["factor_trust", "factor_funding"],
    "reduce_q3_trust": "Start with a joint workshop in each port before any project.",
    "facilitator_kind": "facilitator_regional_agency",
    "working_languages": "German, English",
    "funding_planned": "funding_yes",
    "intl_budget_eur": 150000,
    "own_financing_pct": 30,
    "member_cofinancing_pct": 20,
    "support_fit": "fit_partly",
}


@transaction.atomic
def seed_demo_submitted_cluster(*, manager, facilitator) -> Cluster:
    """A second demo cluster whose diagnostic is submitted, so its results can be seen."""
    cluster = Cluster.objects.filter(name=DEMO_SUBMITTED_NAME, is_demo=True).first()
    if cluster is not None:
        return cluster
    cluster = services.cluster_create(
        user=manager, name=DEMO_SUBMITTED_NAME, country="DE", region="Schleswig-Holstein",
        sector="mobility", governance="top_down_external", companies=140, smes=120,
        research_institutes=9, universities=4, other_members=12, jobs=21000, year_founded=2011,
        management_fte=6, is_demo=True)
    cluster.facilitators.add(facilitator)
    diagnostic = cluster.diagnostics.get()
    questions = Question.objects.filter(section__version=diagnostic.version)
    services.answers_save(
        diagnostic=diagnostic, user=manager, section_key="funding",
        values={q: SUBMITTED_ANSWERS[q.key] for q in questions if q.key in SUBMITTED_ANSWERS})
    services.diagnostic_submit(diagnostic=diagnostic, user=manager, benchmark_consent=False)
    return cluster

