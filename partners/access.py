"""Who may browse partner profiles, see one, and act for a cluster. Like everywhere on the
site, what the user may not reach is a 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from diagnostic.access import get_cluster_for_user
from diagnostic.models import Cluster

from .models import Block, Interest, PartnerProfile


def browsing_clusters(user):
    """The user's clusters that have a published profile: only they may look at others."""
    return Cluster.objects.editable_by(user).filter(
        pk__in=PartnerProfile.objects.published().values("cluster_id"))


def may_browse(user) -> bool:
    """Team members of a cluster with a published profile, facilitators and
    administrators."""
    if not user.is_authenticated:
        return False
    return (user.is_superuser or user.is_facilitator
            or browsing_clusters(user).exists())


def get_published_profile_for_user(user, cluster_pk) -> PartnerProfile:
    """A published profile, for those who may browse, unless its cluster blocked them."""
    if not may_browse(user):
        raise_404()
    profiles = PartnerProfile.objects.published().select_related("cluster")
    if not (user.is_superuser or user.is_facilitator):
        mine = browsing_clusters(user).values("pk")
        profiles = profiles.exclude(cluster__blocks__blocked__in=mine)
    return get_object_or_404(profiles, cluster_id=cluster_pk)


def raise_404():
    get_object_or_404(Cluster.objects.none())


def get_own_profile(user, cluster_pk, *, write=False) -> PartnerProfile:
    """The cluster's own profile, for its team (write) or anyone who may see the cluster."""
    cluster = get_cluster_for_user(user, cluster_pk, write=write)
    return get_object_or_404(PartnerProfile.objects.select_related("cluster"), cluster=cluster)


def get_acting_profile(user, cluster_pk, *, annotations=None) -> PartnerProfile:
    """The published profile of a cluster the user acts for (its team): one query, since
    the match list asks it at every request, with what else it reads (`annotations`)."""
    return get_object_or_404(
        PartnerProfile.objects.published().select_related("cluster")
        .filter(cluster__in=Cluster.objects.editable_by(user).values("pk"))
        .annotate(**(annotations or {})), cluster_id=cluster_pk)


def get_interest_for_user(user, pk, *, write=False) -> Interest:
    """An interest, for the teams of both sides (write: the teams only) and the
    facilitators who follow either side."""
    visible = Cluster.objects.editable_by(user) if write else Cluster.objects.visible_to(user)
    ids = visible.values("pk")
    return get_object_or_404(
        Interest.objects.select_related("from_cluster", "to_cluster", "created_by")
        .filter(Q(from_cluster__in=ids) | Q(to_cluster__in=ids)), pk=pk)


def team_side(user, interest: Interest) -> int | None:
    """The id of the side the user is on the team of (the sender first), or None."""
    mine = set(Cluster.objects.editable_by(user).filter(
        pk__in=[interest.from_cluster_id, interest.to_cluster_id]).values_list("pk", flat=True))
    for side in (interest.from_cluster_id, interest.to_cluster_id):
        if side in mine:
            return side
    return None


def is_blocked(cluster_id, by_cluster_id) -> bool:
    return Block.objects.filter(cluster_id=by_cluster_id, blocked_id=cluster_id).exists()
