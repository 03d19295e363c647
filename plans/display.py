"""What the plan pages (and the PDF) show, built from a plan in a fixed number of queries."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benchmark import charts
from benchmark.models import ScoringMethod

from .models import ActionPlan
from .playbook.load import playbook_read
from .strategy import Wording, describe
from .texts import ACTION_TEXTS, PLAN_TEXTS, localize


def plan_actions(plan: ActionPlan) -> list:
    """The actions in order, their generated texts in the reader's language."""
    return [localize(action, ACTION_TEXTS) for action in plan.actions.select_related(
        "owner", "funding").order_by("position", "pk")]


def localize_plan(plan: ActionPlan) -> ActionPlan:
    """The plan's generated statement and objectives in the reader's language."""
    return localize(plan, PLAN_TEXTS)


def _label(position: int, title: str) -> str:
    short = title if len(title) <= 42 else title[:40] + "…"
    return f"{position}. {short}"


def plan_timeline_figure(plan: ActionPlan, actions: list | None = None) -> dict:
    """The plotly figure of the agenda, the same on the site and in the PDF."""
    actions = plan_actions(plan) if actions is None else actions
    rows = [charts.TimelineRow(
        label=_label(i, a.title), start=a.start_date.isoformat(), due=a.due_date.isoformat(),
        status=a.status, status_label=a.get_status_display(), milestone=a.milestone,
        milestone_date=a.milestone_date.isoformat() if a.milestone_date else None)
        for i, a in enumerate(actions, start=1)]
    figure = charts.plan_timeline(rows=rows, plan_start=plan.start_date.isoformat(),
                                  plan_end=plan.end_date.isoformat(),
                                  milestone_name=_("milestone"),
                                  today=timezone.localdate().isoformat(), today_name=_("today"))
    # plotly names months in English whatever the page's language: the ticks are written
    # here, in the reader's language, for the page and the PDF alike.
    ticks = month_ticks(plan.start_date, plan.end_date)
    figure["layout"]["xaxis"].update(tickmode="array", tickvals=[t.isoformat() for t in ticks],
                                     ticktext=[date_format(t, "N Y")
                                               for t in ticks])
    # Its hover labels would name months in English as well: they show the dates written
    # here instead.
    for trace in figure["data"]:
        trace["customdata"] = [date_format(date.fromisoformat(x), "DATE_FORMAT") if x else None
                               for x in trace["x"]]
        trace["hovertemplate"] = (
            "%{text}" if "text" in trace else "%{y}") + "<br>%{customdata}<extra></extra>"
        trace.pop("hoverinfo", None)
    return figure


def month_ticks(start, end, most: int = 8) -> list:
    """First days of months between start and end, every 1, 2, 3, 6 or 12 months, so that
    at most `most` ticks are drawn."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= most),
                12 * (months // (12 * most) + 1))
    first = start.replace(day=1)
    if first < start:
        first += relativedelta(months=1)
    ticks = []
    while first <= end:
        ticks.append(first)
        first += relativedelta(months=step)
    return ticks


def timeline_summary(plan: ActionPlan, actions: list) -> str:
    """The agenda chart in one sentence (WCAG 1.1.1): how many actions over which period,
    how far along, and the next milestone."""
    if not actions:
        return _("The plan has no action yet.")
    done = sum(a.status == "done" for a in actions)
    running = sum(a.status == "in_progress" for a in actions)
    # Three counts, each with its own plural form ("1 terminée", "2 terminées"), rather
    # than one sentence that can only agree with the number of actions.
    sentence = _("%(actions)s: %(done)s, %(running)s") % {
        "actions": ngettext("%(n)s action from %(start)s to %(end)s",
                            "%(n)s actions from %(start)s to %(end)s", len(actions)) % {
            "n": len(actions), "start": formats.date_format(plan.start_date, "DATE_FORMAT"),
            "end": formats.date_format(plan.end_date, "DATE_FORMAT")},
        "done": ngettext("%(n)s done", "%(n)s done", done) % {"n": done},
        "running": ngettext("%(n)s in progress", "%(n)s in progress", running) % {
            "n": running}}
    today = timezone.localdate()
    upcoming = [a for a in milestones(actions) if a.milestone_date and a.milestone_date >= today]
    if upcoming:
        sentence += _("; the next milestone is “%(milestone)s” on %(date)s.") % {
            "milestone": upcoming[0].milestone,
            "date": formats.date_format(upcoming[0].milestone_date, "DATE_FORMAT")}
    else:
        sentence += "."
    return sentence


def milestones(actions: list) -> list:
    """The milestones in date order, with their action."""
    return sorted((a for a in actions if a.milestone), key=lambda a: (
        a.milestone_date is None, a.milestone_date or a.due_date, a.position))


def strategy_view(plan: ActionPlan) -> dict:
    """The plan's strategy as generated, with its "why", in the user's language."""
    playbook = playbook_read(plan.playbook, in_use=True)
    score = getattr(plan.diagnostic, "score", None)
    method = score.method.definition if score else (
        ScoringMethod.objects.filter(is_current=True).values_list("definition", flat=True)
        .first())
    own_ideas = (plan.profile or {}).get("own_ideas", {})
    return describe(plan.strategy, playbook, Wording(plan.diagnostic, method, playbook),
                    {f"reduce_{barrier}": idea for barrier, idea in own_ideas.items()})
