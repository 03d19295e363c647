"""The demo cluster of a development machine: clearly named and flagged as demo data."""

from django.db import transaction

from . import services
from .models import Cluster, Membership, Question

DEMO_CLUSTER_NAME = "Demo: Alpine Photonics Cluster (sample data)"

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
