"""Pages about a cluster's team: revoking invitations, removing members, handing over the
manager role, deleting a cluster, and deleting one's own account (which needs to know the
clusters a person manages, so it lives here rather than in clusterdiag)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterdiag.forms import AccountDeleteForm

from . import team
from .access import get_cluster_for_user, get_managed_cluster_for_user, is_cluster_manager
from .forms import ClusterDeleteForm


@require_POST
def invitation_revoke(request, pk, invitation_pk):
    cluster = get_managed_cluster_for_user(request.user, pk)
    invitation = get_object_or_404(cluster.invitations, pk=invitation_pk)
    team.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s is revoked: its link no longer "
                                "works.") % {"email": invitation.email})
    return redirect(cluster)


@require_POST
def member_remove(request, pk, membership_pk):
    """A manager takes someone off the team; anyone may leave a team themselves."""
    cluster = get_cluster_for_user(request.user, pk, write=True)
    membership = get_object_or_404(cluster.memberships.select_related("user"), pk=membership_pk)
    leaving = membership.user_id == request.user.pk
    if not leaving and not is_cluster_manager(request.user, cluster.pk):
        raise Http404
    try:
        team.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(cluster)
    if leaving:
        messages.success(request, _("You left the team of %(cluster)s.") % {"cluster": cluster})
        return redirect("home")
    messages.success(request, _("%(person)s is no longer on the team.")
                     % {"person": membership.user})
    return redirect(cluster)


@require_POST
def member_make_manager(request, pk, membership_pk):
    cluster = get_managed_cluster_for_user(request.user, pk)
    membership = get_object_or_404(cluster.memberships.select_related("user"), pk=membership_pk)
    try:
        team.manager_handover(cluster=cluster, from_user=request.user, to_membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(cluster)
    messages.success(request, _("%(person)s is now the cluster's manager; you stay on the team "
                                "as a member.") % {"person": membership.user})
    return redirect(cluster)


def cluster_delete(request, pk):
    cluster = get_managed_cluster_for_user(request.user, pk)
    form = ClusterDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = cluster.name
        team.cluster_delete(cluster=cluster)
        messages.success(request, _("The cluster %(cluster)s is deleted.") % {"cluster": name})
        return redirect("home")
    return render(request, "diagnostic/cluster_delete.html", {"cluster": cluster, "form": form})


@login_required
def account_delete(request):
    user = request.user
    blocking = list(team.clusters_managed_alone(user))
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            team.account_delete(user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted."))
            return redirect("home")
    return render(request, "registration/account_delete.html",
                  {"form": form, "blocking": blocking})
