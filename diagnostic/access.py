"""Who may see or change a cluster and its diagnostics: one helper per object type, used
by every view. An object the user may not reach is a 404, never a 403, so that nobody
learns which clusters exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Cluster, Diagnostic, Membership


def get_cluster_for_user(user, pk, *, write=False) -> Cluster:
    """The cluster if the user may read it (or, with write, edit it)."""
    clusters = (Cluster.objects.editable_by(user) if write
                else Cluster.objects.visible_to(user))
    return get_object_or_404(clusters, pk=pk)


def get_diagnostic_for_user(user, pk, *, write=False, related=("cluster", "version"),
                            annotations=None) -> Diagnostic:
    """The diagnostic if the user may read it (or, with write, edit it), with the
    relations the caller's page reads (and what it asks for in annotations, read in the
    same query)."""
    diagnostics = (Diagnostic.objects.editable_by(user) if write
                   else Diagnostic.objects.visible_to(user))
    diagnostics = diagnostics.select_related(*related)
    if annotations:
        diagnostics = diagnostics.annotate(**annotations)
    return get_object_or_404(diagnostics, pk=pk)


def is_team_member(user, cluster_id) -> bool:
    """Is the user on the cluster's team (manager or member)? Facilitators who follow the
    cluster read its data but are not on its team."""
    return user.is_authenticated and Membership.objects.filter(
        cluster_id=cluster_id, user_id=user.pk).exists()


def is_cluster_manager(user, cluster_id) -> bool:
    return user.is_authenticated and Membership.objects.filter(
        cluster_id=cluster_id, user_id=user.pk, role=Membership.Role.MANAGER).exists()


def get_managed_cluster_for_user(user, pk) -> Cluster:
    """The cluster if the user is one of its managers: inviting, removing members, handing
    over the role and deleting the cluster are theirs."""
    cluster = get_cluster_for_user(user, pk, write=True)
    if not is_cluster_manager(user, cluster.pk):
        raise Http404
    return cluster
