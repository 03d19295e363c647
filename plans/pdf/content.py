"""What the PDF shows, gathered from the plan, its diagnostic and the benchmark with the
same functions the site uses (so the PDF and the pages never disagree)."""

from django.utils import timezone

from benchmark.results import build
from benchmark.selectors import results_data

from ..display import (
    localize_plan,
    milestones,
    plan_actions,
    plan_timeline_figure,
    strategy_view,
)
from ..models import ActionPlan
from . import charts, fetcher

# Chart sizes in CSS pixels at the PDF's 96 dpi: the width of an A4 page between margins.
WIDTH = 680


def _members(cluster) -> int | None:
    counts = [cluster.companies, cluster.research_institutes, cluster.universities,
              cluster.other_members]
    return sum(c or 0 for c in counts) if any(c is not None for c in counts) else None


def plan_for_pdf(plan_id: int) -> ActionPlan:
    return (ActionPlan.objects
            .select_related("cluster", "playbook", "diagnostic__score__method")
            .get(pk=plan_id))


def pdf_context(plan: ActionPlan, *, with_images: bool = True) -> dict:
    """The template's context, in the active language."""
    localize_plan(plan)
    actions = plan_actions(plan)
    diagnostic = plan.diagnostic
    results = build(results_data(diagnostic, filters={})) \
        if getattr(diagnostic, "score", None) else None
    timeline = plan_timeline_figure(plan, actions)
    figures = {"timeline": (timeline, WIDTH, timeline["layout"].get("height", 400))}
    if results:
        figures["radar"] = (results["radar"], WIDTH, 420)
        if results["position_rows"]:
            figures["position"] = (results["position"], WIDTH, 300)
        for view in results["views"]:
            if view["chart"]:
                figures[f"view_{view['key']}"] = (view["chart"], WIDTH,
                                                  view["chart"]["layout"]["height"])
    names = list(figures)
    exported = charts.export_images([figures[n] for n in names]) if with_images \
        else [None] * len(names)
    # Addresses the document's fetcher serves from memory, not data: URIs: WeasyPrint's
    # pure-Python HTML parser read each chart's base64 character by character (issue 16).
    images = {name: fetcher.chart_url(key) if key else ""
              for name, key in zip(names, exported, strict=True)}
    for view in results["views"] if results else []:
        view["image"] = images.get(f"view_{view['key']}")
    comparisons = [c for c in results["comparisons"] if any(r.chosen for r in c.rows)] \
        if results else []
    return {
        "plan": plan, "cluster": plan.cluster, "diagnostic": diagnostic,
        "members": _members(plan.cluster), "generated_on": timezone.localdate(),
        "results": results, "comparisons": comparisons, "strategy": strategy_view(plan),
        "actions": actions, "milestones": milestones(actions), "images": images,
    }
