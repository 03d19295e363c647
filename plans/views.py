"""Pages of the strategy and the action plan. Every view starts with the access check:
a plan the user may not see is a 404, and only the cluster's team edits it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchmark.markets import WEIGHTS as MARKET_WEIGHTS
from clusterdiag.language import active_language
from clusterdiag.pagecache import kept_page
from diagnostic.access import get_diagnostic_for_user, is_team_member

from . import review, services
from .access import get_action_for_user, get_plan_for_user, is_reviewer, is_team
from .display import (
    localize_plan,
    milestones,
    plan_actions,
    plan_timeline_figure,
    strategy_view,
    timeline_summary,
)
from .forms import (
    ActionForm,
    CommentForm,
    PlanForm,
    PlanStartForm,
    ShortlistForm,
    TransitionForm,
)
from .history import plan_changes
from .models import ActionPlan
from .outcomes import MILESTONE_WORDS, milestone_state, plan_outcomes
from .strategy import Wording, describe, strategy_for_diagnostic
from .texts import ACTION_TEXTS, localize


def _locked(request, plan):
    messages.error(request, _("The plan is with its facilitator or approved: it cannot be "
                              "changed now."))
    return redirect(plan)


def _saved(form, save) -> bool:
    """Run a service call for a valid form; a refusal becomes a message on the form."""
    try:
        save()
    except services.PlanConflict as conflict:
        form.add_error(None, conflict.message())
    except services.PlanLocked:
        form.add_error(None, _("The plan is with its facilitator or approved: it cannot be "
                               "changed now."))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    else:
        return True
    return False


# --- The strategy -------------------------------------------------------------------------

@kept_page
def strategy(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk)
    if not diagnostic.is_locked:
        messages.info(request, _("The strategy is written once the diagnostic is submitted."))
        return redirect("diagnostic:diagnostic_review", pk)
    return _strategy_page(request, diagnostic, PlanStartForm())


def _shortlist_initial(context) -> dict:
    saved = context.shortlist.countries if context.shortlist else None
    order = saved if saved is not None else [m.country for m in context.candidates]
    return {"revision": context.shortlist.revision if context.shortlist else 0,
            **{f"rank_{code}": i for i, code in enumerate(order, start=1)}}


def _strategy_page(request, diagnostic, form, status=200, shortlist_form=None, context=None):
    context = context or strategy_for_diagnostic(diagnostic)
    method = diagnostic.score.method.definition if hasattr(diagnostic, "score") else None
    view = describe(context.as_json(), context.playbook,
                    Wording(diagnostic, method, context.playbook), context.answers)
    shortlist_form = shortlist_form or ShortlistForm(markets=context.candidates,
                                                     initial=_shortlist_initial(context))
    plan = ActionPlan.objects.filter(diagnostic=diagnostic).first()
    can_edit = is_team_member(request.user, diagnostic.cluster_id)
    return render(request, "plans/strategy.html", {
        "diagnostic": diagnostic, "cluster": diagnostic.cluster, "strategy": view,
        "statement": context.statement(active_language()), "plan": plan, "can_edit": can_edit,
        # The order can change until the plan goes to its facilitator (plans/shortlist.py).
        "can_order": can_edit and (plan is None or plan.is_editable),
        "markets": [{"market": m, "field": shortlist_form[f"rank_{m.country}"],
                     "kept": m in context.markets, "rank": rank}
                    for rank, m in enumerate([*context.markets, *(
                        c for c in context.candidates if c not in context.markets)], start=1)],
        "weights": MARKET_WEIGHTS, "shortlist_form": shortlist_form,
        "form": form}, status=status)


def _shortlist_saved_message(diagnostic) -> str:
    plan = ActionPlan.objects.filter(diagnostic=diagnostic).first()
    if plan is None:
        return _("The order of your target markets is saved. The plan made from now on "
                 "follows it.")
    if plan.is_editable:
        return _("The order of your target markets is saved, and your plan's generated "
                 "actions follow it. Actions and texts your team changed are kept as they are.")
    return _("The order of your target markets is saved. Your plan is with its facilitator "
             "or approved: it keeps its markets.")


@require_POST
def shortlist_save(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True)
    if not diagnostic.is_locked:
        raise Http404
    context = strategy_for_diagnostic(diagnostic)
    form = ShortlistForm(request.POST, markets=context.candidates)
    if form.is_valid() and _saved(form, lambda: services.shortlist_save(
            diagnostic=diagnostic, user=request.user, revision=form.cleaned_data["revision"],
            countries=form.ordered_countries())):
        messages.success(request, _shortlist_saved_message(diagnostic))
        return redirect(f"{reverse('plans:strategy', args=[pk])}#markets")
    return _strategy_page(request, diagnostic, PlanStartForm(), status=400,
                          shortlist_form=form, context=context)


@require_POST
def plan_create(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True)
    if not diagnostic.is_locked:
        raise Http404
    form = PlanStartForm(request.POST)
    if not form.is_valid():
        return _strategy_page(request, diagnostic, form, status=400)
    plan = services.plan_generate(diagnostic=diagnostic, user=request.user,
                                  start_date=form.cleaned_data["start_date"])
    messages.success(request, _("Your draft action plan is ready. Edit it with your team, then "
                                "submit it for review."))
    return redirect(plan)


# --- The plan -----------------------------------------------------------------------------------

@kept_page
def plan_detail(request, pk):
    plan = localize_plan(get_plan_for_user(request.user, pk))
    actions = plan_actions(plan)
    later_run, outcomes = plan_outcomes(plan, actions)
    today = timezone.localdate()
    for action in actions:
        action.outcome = outcomes.get(action.pk)
        action.milestone_state = milestone_state(action, today)
    comments = list(plan.comments.select_related("author", "action"))
    for comment in comments:
        if comment.action is not None:
            localize(comment.action, ACTION_TEXTS)
    on_team = is_team(plan, request.user)
    allowed = review.allowed_transitions(plan, request.user)
    return render(request, "plans/detail.html", {
        "plan": plan, "cluster": plan.cluster, "actions": actions, "later_run": later_run,
        "milestone_words": MILESTONE_WORDS,
        "strategy": strategy_view(plan), "is_team": on_team,
        "can_edit": on_team and plan.is_editable, "allowed": allowed,
        "comments": comments,
        "transitions": plan.transitions.select_related("by"),
        "comment_form": CommentForm(plan=plan) if on_team or
        is_reviewer(plan, request.user) else None,
        "transition_form": TransitionForm(initial={"revision": plan.revision}),
        "facilitators": list(plan.cluster.facilitators.all()),
        "answer_days": settings.REVIEW_ANSWER_DAYS,
    })


def plan_edit(request, pk):
    plan = get_plan_for_user(request.user, pk, write=True)
    if not plan.is_editable:
        return _locked(request, plan)
    localize_plan(plan)  # the form shows the generated statement in the editor's language
    form = PlanForm(request.POST or None, instance=plan,
                    initial={"revision": plan.revision})
    if request.method == "POST" and form.is_valid() and _saved(form, lambda: (
            services.plan_update(plan=plan, user=request.user, **form.cleaned_data))):
        messages.success(request, _("The plan is saved."))
        return redirect(plan)
    return render(request, "plans/form.html", {
        "plan": plan, "cluster": plan.cluster, "form": form},
        status=400 if form.errors else 200)


def action_add(request, pk):
    plan = get_plan_for_user(request.user, pk, write=True)
    if not plan.is_editable:
        return _locked(request, plan)
    initial = {"start_date": plan.start_date,
               "due_date": plan.start_date, "owner_role": ""}
    form = ActionForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid() and _saved(form, lambda: (
            services.action_add(plan=plan, user=request.user, fields=form.service_fields()))):
        messages.success(request, _("The action is added."))
        return redirect(plan)
    return render(request, "plans/action_form.html", {
        "plan": plan, "cluster": plan.cluster, "form": form, "action": None},
        status=400 if form.errors else 200)


def action_edit(request, pk, action_pk):
    action = get_action_for_user(request.user, pk, action_pk)
    plan = action.plan
    if not plan.is_editable:
        return _locked(request, plan)
    localize(action, ACTION_TEXTS)  # the form shows the editor's language
    form = ActionForm(request.POST or None, instance=action, plan=plan,
                      initial={"revision": action.revision})
    if request.method == "POST" and form.is_valid() and _saved(form, lambda: (
            services.action_update(action=action, user=request.user,
                                   revision=form.cleaned_data["revision"],
                                   fields=form.service_fields()))):
        messages.success(request, _("The action is saved."))
        return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")
    return render(request, "plans/action_form.html", {
        "plan": plan, "cluster": plan.cluster, "form": form, "action": action,
        "comments": action.comments.select_related("author")},
        status=400 if form.errors else 200)


@require_POST
def action_delete(request, pk, action_pk):
    action = get_action_for_user(request.user, pk, action_pk)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        services.action_delete(action=action, user=request.user, revision=revision)
    except services.PlanConflict as conflict:
        messages.error(request, conflict.message())
    except services.PlanLocked:
        return _locked(request, action.plan)
    else:
        messages.success(request, _("The action “%(title)s” is removed.") % {
            "title": action.title})
    return redirect(action.plan)


@require_POST
def action_move(request, pk, action_pk):
    action = get_action_for_user(request.user, pk, action_pk)
    direction = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.action_move(action=action, user=request.user, direction=direction)
    except services.PlanLocked:
        return _locked(request, action.plan)
    return redirect(f"{action.plan.get_absolute_url()}#action-{action.pk}")


@kept_page
def plan_agenda(request, pk):
    plan = localize_plan(get_plan_for_user(request.user, pk))
    actions = plan_actions(plan)
    return render(request, "plans/agenda.html", {
        "plan": plan, "cluster": plan.cluster, "actions": actions,
        "figure": plan_timeline_figure(plan, actions), "milestones": milestones(actions),
        "summary": timeline_summary(plan, actions)})


@kept_page
def plan_history(request, pk):
    plan = get_plan_for_user(request.user, pk)
    return render(request, "plans/history.html", {
        "plan": plan, "cluster": plan.cluster, "changes": plan_changes(plan)})


# --- Review -------------------------------------------------------------------------------------

@require_POST
def plan_transition(request, pk):
    plan = get_plan_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible for you now."))
        return redirect(plan)
    try:
        review.plan_transition(plan=plan, user=request.user,
                                 to_status=form.cleaned_data["to_status"],
                                 comment=form.cleaned_data["comment"],
                                 revision=form.cleaned_data["revision"])
    except PermissionDenied:
        messages.error(request, _("This step is not possible for you now."))
    except services.PlanConflict as conflict:
        messages.error(request, conflict.message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        plan.refresh_from_db(fields=["status"])
        messages.success(request, _("The plan is now: %(status)s.") % {
            "status": plan.get_status_display()})
    return redirect(plan)


@require_POST
def plan_comment(request, pk):
    plan = get_plan_for_user(request.user, pk)
    if not (is_team(plan, request.user) or is_reviewer(plan, request.user)):
        raise Http404
    form = CommentForm(request.POST, plan=plan)
    if form.is_valid():
        review.comment_add(plan=plan, user=request.user, body=form.cleaned_data["body"],
                             action=form.cleaned_data["action"])
        messages.success(request, _("Your comment is posted."))
    else:
        messages.error(request, _("The comment was not posted: %(error)s") % {
            "error": " ".join(m for errors in form.errors.values() for m in errors)})
    return redirect(f"{plan.get_absolute_url()}#comments")
