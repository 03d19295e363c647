"""Whether a plan's actions moved what their indicators name: the value in the plan's run
(before) and in the cluster's next submitted run (after), both scored under the later run's
method, against the target. Milestones met or late. A fixed number of queries per plan."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchmark import comparison
from benchmark.models import ScoringMethod
from benchmark.runs import answers_by_run, common_method
from clusterdiag.language import pick_text
from diagnostic.models import Diagnostic, Question

from .models import Action, ActionPlan

MET, LATE, DUE, NONE = "met", "late", "due", ""
MILESTONE_WORDS = {MET: gettext_lazy("milestone met"), LATE: gettext_lazy("milestone late"),
                   DUE: gettext_lazy("milestone ahead")}


def milestone_state(action: Action, today: date) -> str:
    """Met once the action is done; late when its date has passed while it is still open; a
    dropped action's milestone is no longer followed."""
    if not action.milestone_date or action.status == Action.Status.DROPPED:
        return NONE
    if action.status == Action.Status.DONE:
        return MET
    return LATE if action.milestone_date < today else DUE


@dataclass(frozen=True)
class Outcome:
    target_label: str
    target_value: float | None
    before: float | None
    after: float | None  # None until a later run exists

    @property
    def reached(self) -> bool | None:
        if self.after is None or self.target_value is None:
            return None
        return self.after >= self.target_value


def target_choices(method: dict | None, questions: list[tuple[str, str]]) -> list[tuple]:
    """What an indicator can name: the index, a dimension of the method, or a question the
    method scores (only those have a 0-100 value to follow)."""
    if not method:
        return []
    scored = {item["question"] for d in method["dimensions"] for item in d["items"]}
    return [("index", _("the index")),
            (_("Index dimension"), [(f"dimension:{d['key']}", pick_text(d["label"]))
                                    for d in method["dimensions"]]),
            (_("Question"), [(f"question:{key}", label) for key, label in questions
                             if key in scored])]


def next_run(plan: ActionPlan) -> Diagnostic | None:
    """The cluster's first submitted run after the plan's own."""
    return (Diagnostic.objects.submitted()
            .filter(cluster_id=plan.cluster_id, run__gt=plan.diagnostic.run)
            .select_related("score__method").order_by("run").first())


def _target_labels(plan: ActionPlan, method: dict | None) -> dict[str, str]:
    labels = {"index": _("the index")}
    if method:
        labels.update({f"dimension:{d['key']}": pick_text(d["label"])
                       for d in method["dimensions"]})
    labels.update({f"question:{key}": label for key, label in (
        (q.key, q.label) for q in Question.objects.filter(
            section__version=plan.diagnostic.version_id))})
    return labels


def plan_outcomes(plan: ActionPlan, actions: list[Action]) -> tuple[Diagnostic | None, dict]:
    """The later run (or None) and an Outcome per action whose indicator names a target."""
    linked = [a for a in actions if a.indicator_target]
    if not linked:
        return None, {}
    later = next_run(plan)
    method = (common_method([later]) if later is not None else
              ScoringMethod.objects.filter(scores__diagnostic=plan.diagnostic_id).first())
    if method is None:
        return later, {}
    runs = [plan.diagnostic] + ([later] if later is not None else [])
    answers = answers_by_run([r.pk for r in runs])
    scores = {r.pk: comparison.rescore(method.definition, answers[r.pk]) for r in runs}
    labels = _target_labels(plan, method.definition)
    outcomes = {}
    for action in linked:
        before = comparison.value_of(action.indicator_target, scores[plan.diagnostic.pk])
        after = (comparison.value_of(action.indicator_target, scores[later.pk])
                 if later is not None else None)
        outcomes[action.pk] = Outcome(
            target_label=labels.get(action.indicator_target, action.indicator_target),
            target_value=float(action.target_value) if action.target_value is not None
            else None, before=before, after=after)
    return later, outcomes


def indicator_choices(plan: ActionPlan) -> list[tuple]:
    """The choices of "what it should move" for the plan's actions, under the method that
    scored the plan's run."""
    method = ScoringMethod.objects.filter(scores__diagnostic=plan.diagnostic_id).first()
    questions = [(q.key, q.label) for q in Question.objects.filter(
        section__version=plan.diagnostic.version_id).order_by("section__position", "position")]
    return target_choices(method.definition if method else None, questions)
