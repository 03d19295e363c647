"""Writes about a cluster's team: revoking invitations, removing members, handing over the
manager role, deleting a cluster, deleting one's account.

Every change to a team locks the cluster's row first, so that two managers acting at once
cannot both step down and leave the cluster without one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import Cluster, Invitation, Membership

MANAGER = Membership.Role.MANAGER


def _lock(cluster_id: int) -> None:
    Cluster.objects.select_for_update().filter(pk=cluster_id).first()


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Make a pending invitation's link useless. An accepted one stays in the history."""
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take someone off the team: they lose access to the cluster with their next request.
    The last manager stays: hand the role over first."""
    _lock(membership.cluster_id)
    managers = Membership.objects.filter(cluster_id=membership.cluster_id, role=MANAGER)
    if membership.role == MANAGER and not managers.exclude(pk=membership.pk).exists():
        raise ValidationError(
            _("%(person)s is the cluster's only manager: hand the manager role to another "
              "team member first.") % {"person": membership.user}, code="last_manager")
    membership.delete()


@transaction.atomic
def manager_handover(*, cluster: Cluster, from_user, to_membership: Membership) -> Membership:
    """Hand the manager role to another team member; the previous manager stays on the
    team as a member."""
    _lock(cluster.pk)
    if to_membership.cluster_id != cluster.pk or to_membership.user_id == from_user.pk:
        raise ValidationError(_("Choose another member of this team."), code="invalid_member")
    Membership.objects.filter(pk=to_membership.pk).update(role=MANAGER)
    Membership.objects.filter(cluster=cluster, user=from_user).update(
        role=Membership.Role.MEMBER)
    to_membership.role = MANAGER
    return to_membership


@transaction.atomic
def cluster_delete(*, cluster: Cluster) -> None:
    """Delete a cluster with its diagnostics, results and plans."""
    _lock(cluster.pk)
    signals.cluster_deleted.send(sender=Cluster, cluster=cluster)
    cluster.delete()


def clusters_managed_alone(user):
    """The clusters of which the user is the only manager: they block deleting the
    account until they are handed over or deleted."""
    other_managers = Membership.objects.filter(role=MANAGER).exclude(user=user)
    return (Cluster.objects.filter(memberships__user=user, memberships__role=MANAGER)
            .exclude(pk__in=other_managers.values("cluster_id")).order_by("name"))


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete a person's account and their team memberships. Their earlier answers, actions
    and comments stay with the clusters, without their name."""
    for cluster_id in (Membership.objects.filter(user=user, role=MANAGER)
                       .values_list("cluster_id", flat=True)):
        _lock(cluster_id)
    blocking = list(clusters_managed_alone(user))
    if blocking:
        raise ValidationError(
            _("You are the only manager of %(clusters)s: hand the manager role to another "
              "team member, or delete the cluster, before deleting your account.")
            % {"clusters": ", ".join(c.name for c in blocking)}, code="manages_alone")
    user.delete()
