"""Every write of a strategy's action plan goes through these functions: generation, the
target-market order, and edits with optimistic concurrency. The review and comments are in
review.py."""

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from benchmark.markets import active_countries
from clusterdiag.language import active_language, site_languages
from diagnostic.models import Diagnostic, Membership

from .generation import draft_actions, funding_amounts, plan_months, plan_objectives
from .models import (
    Action,
    ActionPlan,
    MarketShortlist,
    PlaybookVersion,
)
from .playbook.load import playbook_as_dict, playbook_load
from .rules import language_trigger
from .shortlist import follow_markets, stored_strategy, strategy_data, with_language_measure
from .strategy import strategy_for_diagnostic
from .texts import ACTION_TEXTS, PLAN_TEXTS, record_edit, texts_by_language

Status = ActionPlan.Status
MIN_PLAN_MONTHS = 12


@dataclass
class PlanConflict(Exception):
    """Someone saved the same thing since the form was loaded."""

    updated_by: object
    updated_at: object

    def message(self) -> str:
        return _("This was changed meanwhile by %(who)s at %(when)s. Reload the page to see "
                 "their version, then make your change again.") % {
            "who": self.updated_by or _("someone"),
            "when": timezone.localtime(self.updated_at).strftime("%H:%M:%S")}


class PlanLocked(Exception):
    """The plan is with its facilitator or approved: it cannot be edited now."""


def save_with_history(instance, user, **kwargs) -> None:
    """Save with the author recorded on the row and in its history, also outside a request
    (admin actions, tasks, the demo)."""
    instance.updated_by = user
    instance._history_user = user
    instance.save(**kwargs)


# --- Generation ---------------------------------------------------------------------------

def plan_end(start_date, actions: list[dict], months: int = MIN_PLAN_MONTHS):
    """The end of the plan period: the time horizon the team chose, or later when an
    action is due after it."""
    latest = max((a["due_date"] for a in actions), default=start_date)
    return max(latest, start_date + relativedelta(months=max(months, 1)))


def plan_profile(context, language: str) -> dict:
    """What the plan was generated from, kept on the plan: the cooperation profile, the
    markets in order, the countries already known and the funding amounts."""
    answers = context.answers
    return {
        "themes": str(answers.get("cooperation_themes") or ""),
        "members": list(answers.get("participating_members") or []),
        "partner_types": list(answers.get("partner_types") or []),
        "markets": [{"country": m.country, "score": m.score,
                     "shared_languages": m.shared_languages} for m in context.markets],
        "known_countries": sorted(active_countries(answers.get("past_activities"))),
        "funding": funding_amounts(answers),
        "own_ideas": {key.removeprefix("reduce_"): str(value) for key, value in answers.items()
                      if key.startswith("reduce_") and value},
        "language": language,
    }


@transaction.atomic
def plan_generate(*, diagnostic: Diagnostic, user, start_date) -> ActionPlan:
    """A draft plan from the diagnostic's strategy. Generating twice returns the plan made
    the first time (one plan per diagnostic run)."""
    locked = Diagnostic.objects.select_for_update().select_related("cluster").get(
        pk=diagnostic.pk)
    existing = ActionPlan.objects.filter(diagnostic=locked).first()
    if existing is not None:
        return existing
    if not locked.is_locked:
        raise ValidationError(_("Submit the diagnostic before making its plan."))
    context = strategy_for_diagnostic(locked)
    language = active_language()
    # Drafted in every language of the site, so that each reader sees the generated texts
    # in theirs (plans/texts.py); the columns hold the generating user's language.
    languages = list(dict.fromkeys([language, *site_languages()]))
    drafts = {lang: draft_actions(strategy=context.strategy, playbook=context.playbook,
                                  answers=context.answers, start_date=start_date,
                                  language=lang, markets=[m.country for m in context.markets],
                                  governance=(locked.profile or {}).get("governance", ""))
              for lang in languages}
    actions = drafts[language]
    plan_drafts = {lang: {"statement": context.statement(lang),
                          "objectives": plan_objectives(context.answers, lang)}
                   for lang in languages}
    plan = ActionPlan(
        cluster=locked.cluster, diagnostic=locked, playbook=context.version,
        phase=context.strategy.phase, strategy=context.as_json(),
        statement=plan_drafts[language]["statement"], start_date=start_date,
        end_date=plan_end(start_date, actions, plan_months(context.answers)),
        objectives=plan_drafts[language]["objectives"],
        generated_texts=texts_by_language(plan_drafts, PLAN_TEXTS),
        profile=plan_profile(context, language), created_by=user)
    save_with_history(plan, user)
    # The actions and their history in two statements, not two per action.
    bulk_create_with_history([
        Action(plan=plan, updated_by=user, generated_texts=texts_by_language(
            {lang: drafts[lang][position] for lang in languages}, ACTION_TEXTS), **values)
        for position, values in enumerate(actions)], Action, default_user=user)
    return plan


# --- The target-market shortlist ----------------------------------------------------------

@transaction.atomic
def shortlist_save(*, diagnostic: Diagnostic, user, revision: int, countries: list[str]
                   ) -> MarketShortlist:
    """Keep the team's order of its target markets (those left out are dropped). The
    revision the form was loaded at must still be current (0: none saved yet)."""
    shortlist, _created = MarketShortlist.objects.select_for_update().get_or_create(
        diagnostic=diagnostic, defaults={"revision": 0})
    if shortlist.revision != revision:
        raise PlanConflict(shortlist.updated_by, shortlist.updated_at)
    shortlist.countries = list(dict.fromkeys(countries))
    shortlist.revision += 1
    shortlist.updated_by = user
    shortlist.save()
    plan = ActionPlan.objects.filter(diagnostic=diagnostic).first()
    if plan is not None and plan.is_editable:
        _plan_follow_shortlist(plan, user)
    return shortlist


def _plan_follow_shortlist(plan: ActionPlan, user) -> None:
    """The plan's generated actions take the markets of the new order (plans/shortlist.py);
    a change of the plan's list of actions, so open edit forms of the plan and of each
    changed action get a conflict rather than overwriting it."""
    context = strategy_for_diagnostic(plan.diagnostic, version=plan.playbook)
    markets = [{"country": m.country, "score": m.score, "shared_languages": m.shared_languages}
               for m in context.markets]
    old = [m["country"] for m in (plan.profile or {}).get("markets", [])]
    new = [m["country"] for m in markets]
    if old == new:
        return
    current = _claim_plan(plan, user)

    def draft(strategy, countries, language):
        return draft_actions(strategy=strategy, playbook=context.playbook,
                             answers=context.answers, start_date=current.start_date,
                             language=language, markets=countries,
                             governance=(current.diagnostic.profile or {}).get("governance", ""))

    language = active_language()
    old_rows = draft(stored_strategy(current.strategy), old, language)
    strategy = with_language_measure(stored_strategy(current.strategy), language_trigger(
        context.answers, context.playbook, markets))
    new_rows = {lang: draft(strategy, new, lang)
                for lang in dict.fromkeys([language, *site_languages()])}
    for action in follow_markets(current.actions.order_by("position", "pk"), old_rows,
                                 new_rows, language):
        action.revision += 1
        save_with_history(action, user)
    current.profile = {**(current.profile or {}), "markets": markets}
    # The language measure's reasons name the markets of the new order, here and on the
    # next reorder (which drafts the old rows from what is stored).
    current.strategy = strategy_data(current.strategy, strategy)
    save_with_history(current, user)


# --- Edits ----------------------------------------------------------------------------------

def _claim_plan(plan: ActionPlan, user, revision: int | None = None) -> ActionPlan:
    """Bump the plan's revision if it is still editable (and still at `revision`, when
    given). The UPDATE locks the row, so racing saves queue here and the later one fails."""
    claimed = ActionPlan.objects.filter(pk=plan.pk, status__in=[Status.DRAFT,
                                                                Status.CHANGES_REQUESTED])
    if revision is not None:
        claimed = claimed.filter(revision=revision)
    if not claimed.update(revision=F("revision") + 1, updated_by=user,
                          updated_at=timezone.now()):
        current = ActionPlan.objects.select_related("updated_by").get(pk=plan.pk)
        if not current.is_editable:
            raise PlanLocked
        raise PlanConflict(current.updated_by, current.updated_at)
    return ActionPlan.objects.get(pk=plan.pk)


@transaction.atomic
def plan_update(*, plan: ActionPlan, user, revision: int, statement: str, start_date,
                end_date) -> ActionPlan:
    """Change the statement or the period. Moving the start moves every action with it,
    so the agenda keeps its shape."""
    current = _claim_plan(plan, user, revision)
    shift = start_date - current.start_date
    if shift:
        for action in current.actions.all():
            action.start_date += shift
            action.due_date += shift
            if action.milestone_date:
                action.milestone_date += shift
            action.revision += 1
            save_with_history(action, user)
    outside = current.actions.filter(due_date__gt=end_date).count() + \
        current.actions.filter(milestone_date__gt=end_date).count()
    if end_date <= start_date:
        raise ValidationError({"end_date": _("The plan must end after it starts.")})
    if outside:
        raise ValidationError({"end_date": _(
            "Some actions or milestones end after this date. Move them first, or choose a "
            "later end.")})
    record_edit(current, "statement", statement)
    current.start_date, current.end_date = start_date, end_date
    current.full_clean(exclude=["strategy"])
    save_with_history(current, user)
    return current


def _check_dates(plan: ActionPlan, fields: dict) -> None:
    errors = {}
    start, due, milestone = fields["start_date"], fields["due_date"], fields.get("milestone_date")
    if due < start:
        errors["due_date"] = _("The due date must be on or after the start date.")
    if not plan.start_date <= start <= plan.end_date:
        errors["start_date"] = _("Start inside the plan period (%(start)s – %(end)s).")
    if not plan.start_date <= due <= plan.end_date:
        errors["due_date"] = _("Be due inside the plan period (%(start)s – %(end)s).")
    if milestone and not plan.start_date <= milestone <= plan.end_date:
        errors["milestone_date"] = _("The milestone must fall inside the plan period "
                                     "(%(start)s – %(end)s).")
    if errors:
        period = {"start": date_format(plan.start_date, "SHORT_DATE_FORMAT"),
                  "end": date_format(plan.end_date, "SHORT_DATE_FORMAT")}
        raise ValidationError({k: v % period if "%(" in v else v for k, v in errors.items()})


def _check_owner(plan: ActionPlan, fields: dict) -> None:
    owner = fields.get("owner")
    if owner is not None and not Membership.objects.filter(cluster_id=plan.cluster_id,
                                                           user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of the cluster's team.")})
    if owner is None and not fields.get("owner_role", "").strip():
        raise ValidationError({"owner_role": _("Name a team member or a role as the owner.")})
    funding = fields.get("funding")
    if funding is not None and funding.version_id != plan.playbook_id:
        raise ValidationError({"funding": _("Choose a funding source of this plan's playbook.")})


@transaction.atomic
def action_add(*, plan: ActionPlan, user, fields: dict) -> Action:
    """A new action at the end of the list. It overwrites nothing, so it needs no revision."""
    current = _claim_plan(plan, user)
    _check_dates(current, fields)
    _check_owner(current, fields)
    position = (current.actions.aggregate(last=Max("position"))["last"] or 0) + 1
    action = Action(plan=current, position=position, **fields, typed_languages={
        name: active_language() for name in ACTION_TEXTS if fields.get(name)})
    action.full_clean()
    save_with_history(action, user)
    return action


@transaction.atomic
def action_update(*, action: Action, user, revision: int, fields: dict) -> Action:
    """Save an action's fields if nobody saved it since `revision` was read."""
    plan = _claim_plan(action.plan, user)
    if not Action.objects.filter(pk=action.pk, revision=revision).update(
            revision=F("revision") + 1):
        current = Action.objects.select_related("updated_by").get(pk=action.pk)
        raise PlanConflict(current.updated_by, current.updated_at)
    _check_dates(plan, fields)
    _check_owner(plan, fields)
    current = Action.objects.get(pk=action.pk)
    for name, value in fields.items():
        if name in ACTION_TEXTS:
            record_edit(current, name, value)
        else:
            setattr(current, name, value)
    current.full_clean()
    save_with_history(current, user)
    return current


@transaction.atomic
def action_delete(*, action: Action, user, revision: int) -> None:
    _claim_plan(action.plan, user)
    current = Action.objects.filter(pk=action.pk, revision=revision).first()
    if current is None:
        latest = Action.objects.select_related("updated_by").get(pk=action.pk)
        raise PlanConflict(latest.updated_by, latest.updated_at)
    current._history_user = user
    current.delete()


@transaction.atomic
def action_move(*, action: Action, user, direction: int) -> None:
    """Swap the action with its neighbour above (-1) or below (+1)."""
    plan = _claim_plan(action.plan, user)
    ordered = list(plan.actions.order_by("position", "pk"))
    index = next(i for i, a in enumerate(ordered) if a.pk == action.pk)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            save_with_history(item, user, update_fields=["position", "updated_by", "updated_at"])


@transaction.atomic
def playbook_version_copy(*, version: PlaybookVersion) -> PlaybookVersion:
    """A new unpublished copy for an administrator to edit and publish: a version that plans
    were made from is never edited in place."""
    code = f"{version.code}-copy{PlaybookVersion.objects.count() + 1}"
    return playbook_load(data={**playbook_as_dict(version), "version": code}, publish=False)
