"""The demo partner profiles of a development machine (see clusterdiag's seed_demo
command): the demo manager's submitted cluster publishes its profile, and a handful of
demo clusters have published ones, so that a new user sees matches at once. All of them
are demo data, labelled as such."""

from diagnostic.models import Cluster, Diagnostic

from . import services
from .models import PartnerProfile, keys_to_stored

# name, country, sector, themes, offers, seeks, sought, offered, target countries,
# languages, phase, text language
DEMO_PARTNERS = [
    ("Demo – Nordic Maritime Cluster", "NO", "mobility",
     "maritime hydrogen, autonomous ships, port logistics",
     "test harbour, shipyards, research vessels", "hydrogen storage suppliers, joint R&D",
     ["clusters", "research"], ["clusters", "research", "customers"], ["DE", "FR", "NL"],
     ["en"], "build_trust", "en"),
    ("Demo – Pôle Énergies Bretagne", "FR", "energy",
     "hydrogène, énergies marines renouvelables, stockage",
     "plateformes d'essai en mer, PME de l'éolien flottant",
     "partenaires de recherche sur le stockage de l'hydrogène",
     ["research", "clusters"], ["clusters", "customers"], ["DE", "NO", "ES"], ["fr", "en"],
     "get_to_know", "fr"),
    ("Demo – Silesia Smart Manufacturing", "PL", "production",
     "predictive maintenance, industrial IoT, robotics",
     "machine builders, pilot factories", "AI and sensor research partners",
     ["research", "investors"], ["clusters", "customers"], ["DE", "CZ"], ["pl", "en", "de"],
     "joint_projects", "en"),
    ("Demo – Lisbon Health Tech", "PT", "health",
     "medical devices, digital health, clinical trials",
     "hospital test beds, start-ups", "distributors in Central Europe",
     ["customers", "clusters"], ["clusters", "research"], ["FR", "DE", "IT"], ["pt", "en"],
     "get_to_know", "en"),
    ("Demo – Basque Advanced Materials", "ES", "materials",
     "composites, lightweight materials, hydrogen tanks",
     "materials testing labs, foundries", "automotive and maritime customers",
     ["customers", "clusters"], ["research", "clusters"], ["DE", "FR", "NO"],
     ["es", "en", "fr"], "build_trust", "en"),
]


def seed_demo_partner_profiles(*, cluster: Cluster, user) -> int:
    """Publishes the submitted demo cluster's profile (prepared from its run) and the demo
    partners'. Returns how many demo profiles are published."""
    diagnostic = cluster.diagnostics.filter(status=Diagnostic.Status.SUBMITTED).first()
    if diagnostic is not None and not PartnerProfile.objects.filter(cluster=cluster).exists():
        profile = services.profile_prepare(diagnostic=diagnostic, user=user)
        services.profile_publish(profile=profile, user=user)
    for (name, country, sector, themes, offers, seeks, sought, offered, targets, languages,
         phase, text_language) in DEMO_PARTNERS:
        partner, _created = Cluster.objects.get_or_create(
            name=name, is_demo=True,
            defaults={"country": country, "sector": sector, "governance": "bottom_up"})
        services.demo_profile_publish(cluster=partner, fields={
            "name": name, "country": country, "sector": sector, "governance": "bottom_up",
            "themes": themes, "offers": offers, "seeks": seeks, "phase": phase,
            "partner_types_sought": keys_to_stored(sought),
            "partner_types_offered": keys_to_stored(offered),
            "target_countries": keys_to_stored(targets),
            "working_languages": keys_to_stored(languages), "text_language": text_language,
            "contact_name": "Demo contact", "contact_email": "partner@demo.clusterdiag.test"})
    return PartnerProfile.objects.published().filter(is_demo=True).count()
