"""The review of an action plan: who may move it from one status to another, the move
itself with its comment and the e-mails it sends, and comments on the plan or an action."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterdiag.mail import administrators, send_each_on_commit

from .access import is_reviewer, is_team
from .models import Action, ActionPlan, PlanComment, PlanTransition
from .services import PlanConflict, save_with_history

Status = ActionPlan.Status
# Who may move a plan from one status to another.
# A team that wants no review marks its plan final itself, and may open it again.
TEAM_TRANSITIONS = {(Status.DRAFT, Status.SUBMITTED), (Status.CHANGES_REQUESTED, Status.SUBMITTED),
                    (Status.DRAFT, Status.FINAL), (Status.CHANGES_REQUESTED, Status.FINAL),
                    (Status.FINAL, Status.DRAFT)}
REVIEWER_TRANSITIONS = {(Status.SUBMITTED, Status.CHANGES_REQUESTED),
                        (Status.SUBMITTED, Status.APPROVED),
                        (Status.APPROVED, Status.CHANGES_REQUESTED)}


def allowed_transitions(plan: ActionPlan, user) -> list[str]:
    allowed = set()
    if is_team(plan, user):
        allowed |= {to for (frm, to) in TEAM_TRANSITIONS if frm == plan.status}
    if is_reviewer(plan, user):
        allowed |= {to for (frm, to) in REVIEWER_TRANSITIONS if frm == plan.status}
    return sorted(allowed)


def reviewers(plan: ActionPlan) -> list[tuple[str, str]]:
    """(email, language) of who reviews the plan: the cluster's facilitators or, when it has
    none, the site's administrators (who review it or assign a facilitator)."""
    return (list(plan.cluster.facilitators.values_list("email", "language"))
            or administrators())


def _notify(plan: ActionPlan, transition: PlanTransition, comment: PlanComment | None) -> None:
    team = list(plan.cluster.memberships.values_list("user__email", "user__language"))
    recipients = team + (reviewers(plan) if transition.to_status == Status.SUBMITTED else [])
    send_each_on_commit(recipients, subject_template="plans/emails/review-subject.txt",
                        body_template="plans/emails/review-body.txt", context={
                            "plan": plan, "transition": transition, "comment": comment,
                            "status": Status(transition.to_status).label,
                            "path": plan.get_absolute_url(), "site_url": settings.SITE_URL})


@transaction.atomic
def plan_transition(*, plan: ActionPlan, user, to_status: str, comment: str = "",
                    revision: int | None = None) -> ActionPlan:
    """Move the plan through its review. Only the team submits; only a facilitator who
    follows the cluster (or an administrator) returns or approves it."""
    current = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if to_status not in allowed_transitions(current, user):
        raise PermissionDenied(_("This step is not possible for you now."))
    if revision is not None and revision != current.revision:
        raise PlanConflict(current.updated_by, current.updated_at)
    if to_status == Status.SUBMITTED and not current.actions.exists():
        raise ValidationError(_("Add at least one action before submitting the plan."))
    if to_status == Status.CHANGES_REQUESTED and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    note = PlanComment.objects.create(plan=current, author=user, body=comment.strip()) \
        if comment.strip() else None
    transition = PlanTransition.objects.create(plan=current, from_status=current.status,
                                               to_status=to_status, by=user, comment=note)
    current.status = to_status
    now = timezone.now()
    if to_status == Status.SUBMITTED:
        current.submitted_at = now
    else:
        current.decided_at = now
    current.revision += 1
    save_with_history(current, user)
    _notify(current, transition, note)
    return current


@transaction.atomic
def comment_add(*, plan: ActionPlan, user, body: str, action: Action | None = None
                ) -> PlanComment:
    if not (is_team(plan, user) or is_reviewer(plan, user)):
        raise PermissionDenied
    if action is not None and action.plan_id != plan.pk:
        raise ValidationError({"action": _("Choose an action of this plan.")})
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    return PlanComment.objects.create(plan=plan, author=user, body=body, action=action)
