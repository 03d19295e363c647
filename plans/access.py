"""Who may see or change a plan and its actions (the cluster's rules, see
diagnostic/access.py): a plan the user may not reach is a 404."""

from django.shortcuts import get_object_or_404

from diagnostic.access import is_team_member

from .models import Action, ActionPlan

PLAN_RELATED = ("cluster", "diagnostic", "playbook", "updated_by")


def get_plan_for_user(user, pk, *, write=False, related=PLAN_RELATED) -> ActionPlan:
    """The plan if the user may read it (or, with write, edit it: the team only)."""
    plans = (ActionPlan.objects.editable_by(user) if write
             else ActionPlan.objects.visible_to(user))
    return get_object_or_404(plans.select_related(*related), pk=pk)


def get_action_for_user(user, pk, action_pk) -> Action:
    """An action of a plan the user may edit, looked up through that plan: naming another
    plan's action is a 404."""
    plan = get_plan_for_user(user, pk, write=True)
    return get_object_or_404(plan.actions.select_related("plan__cluster", "updated_by"),
                             pk=action_pk)


def is_team(plan: ActionPlan, user) -> bool:
    return is_team_member(user, plan.cluster_id)


def is_reviewer(plan: ActionPlan, user) -> bool:
    """A facilitator who follows the plan's cluster, or an administrator."""
    return user.is_superuser or plan.cluster.facilitators.filter(pk=user.pk).exists()
