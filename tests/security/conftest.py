"""Shared pieces of the security checks: one world with every kind of object, the people
who must not reach it, a walk of the URL configuration and a checksum of every table."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from diagnostic.models import FacilitationRequest
from tests.factories import (
    ClusterFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
    api_token,
    imported_set,
)

# Namespaces and names that are not pages of ClusterDiag's own objects: the Django admin
# (its own matrix is test_admin_access.py) and the language switch.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}

METHODS = ["get", "post", "put", "patch", "delete"]


@dataclass(frozen=True)
class Route:
    name: str  # with its namespace, e.g. "plans:detail"
    route: str  # the pattern as written, e.g. "plans/<int:pk>/"
    kwargs: tuple[str, ...]  # the names of its parameters
    converters: dict  # parameter name -> converter


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern),
                             f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            if not entry.name or entry.name in SKIPPED_NAMES:
                continue
            converters = dict(getattr(entry.pattern, "converters", {}))
            kwargs = tuple(converters) or tuple(entry.pattern.regex.groupindex)
            yield Route(name=f"{namespace}{entry.name}", route=prefix + str(entry.pattern),
                        kwargs=kwargs, converters=converters)


def all_routes() -> list[Route]:
    """Every named URL of the site (but the admin and the language switch), once each."""
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.name not in seen:
            seen.add(route.name)
            routes.append(route)
    return routes


def object_routes() -> list[Route]:
    """The URLs that name an object (they have a parameter)."""
    return [route for route in all_routes() if route.kwargs]


def table_checksums() -> dict[str, tuple[int, str]]:
    """Row count and an md5 of the rows of every table, to see whether anything changed."""
    checksums = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"  # noqa: S608
                f" FROM {quoted} t")
            checksums[table] = tuple(cursor.fetchone())
    return checksums


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


@pytest.fixture
def world(team):
    """Every kind of object the site names in its URLs, all of one cluster (the team's):
    a submitted diagnostic with its plan and actions, a draft run, a pending invitation, a
    follower facilitator and the answered request for them; and the outsiders who must get
    nothing from it."""
    from diagnostic import services
    from tests.factories import plan_for

    plan = plan_for(team)
    submitted = plan.diagnostic
    draft = services.diagnostic_start(cluster=team.cluster, user=team.manager)
    invitation = team.cluster.invitations.create(email="invitee@example.org",
                                                 invited_by=team.manager)
    follower = FacilitatorFactory(email="follower@example.org")
    team.cluster.facilitators.add(follower)
    # A request for a facilitator (answered), so that its admin is tried too.
    FacilitationRequest.objects.create(cluster=team.cluster, requested_by=team.manager,
                                       status=FacilitationRequest.Status.ASSIGNED,
                                       facilitator=follower)
    # A reminder sent to an action's owner, so that its admin is tried too.
    first_action = plan.actions.order_by("pk").first()
    first_action.reminders.create(milestone_date=plan.start_date, step="late",
                                  recipient=team.manager)
    other_cluster = ClusterFactory(name="Other cluster")
    other_manager = MembershipFactory(cluster=other_cluster,
                                      user=UserFactory(email="other@example.org")).user
    other_draft = services.diagnostic_start(cluster=other_cluster, user=other_manager)
    outsider_facilitator = FacilitatorFactory(email="outsider-facilitator@example.org")
    outsider_facilitator.followed_clusters.add(other_cluster)
    partners = _partner_world(team, follower)
    # A published imported benchmark set, so that its admin's actions meet a real object.
    imported_set()
    token, _secret = api_token(team.manager, name="world")
    return SimpleNamespace(
        team=team, cluster=team.cluster, manager=team.manager, member=team.member,
        submitted=submitted, draft=draft, plan=plan, action=plan.actions.order_by("pk").first(),
        invitation=invitation, follower=follower,
        membership=team.cluster.memberships.get(user=team.member),
        other=SimpleNamespace(cluster=other_cluster, manager=other_manager,
                              diagnostic=other_draft),
        partner=partners.partner, interest=partners.interest,
        introduction=partners.introduction, token=token,
        outsiders={"anonymous": None, "other manager": other_manager,
                   "outsider facilitator": outsider_facilitator})


def _partner_world(team, follower):
    """The partner search of the team's cluster: its published profile, a partner cluster
    (followed by nobody outside) that accepted its interest, an introduction by the
    follower, a blocked and reported cluster."""
    from partners import services as partner_services
    from tests.factories import published_profile

    published_profile(cluster=team.cluster, contact_email="team-contact@example.org")
    partner = ClusterFactory(name="Partner cluster", country="FR")
    partner_manager = MembershipFactory(cluster=partner,
                                        user=UserFactory(email="partner@example.org")).user
    published_profile(cluster=partner)
    interest = partner_services.interest_express(profile=team.cluster.partner_profile,
                                                 to_cluster_id=partner.pk, user=team.manager)
    partner_services.interest_decide(interest=interest, user=partner_manager, accept=True)
    introduction = partner_services.introduction_request(
        interest=interest, cluster_id=team.cluster.pk, facilitator=follower, user=team.manager)
    blocked = ClusterFactory(name="Blocked cluster")
    published_profile(cluster=blocked)
    partner_services.block_toggle(cluster_id=team.cluster.pk, other_id=blocked.pk,
                                  user=team.manager)
    partner_services.abuse_report(cluster_id=team.cluster.pk, reported_id=blocked.pk,
                                  user=team.manager, reason="Spam")
    return SimpleNamespace(partner=partner, interest=interest, introduction=introduction)


@pytest.fixture
def other_plan(world):
    """A plan of the other cluster, made by its manager."""
    from tests.factories import plan_for

    return plan_for(world.other)
