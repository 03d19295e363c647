"""The facilitator's portfolio: every followed cluster with its latest index, the change
since the run before, its plan's status, late milestones and last activity, as one query
of correlated subqueries, so that 5 or 500 clusters cost the same number of queries."""

import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from benchmark.models import DiagnosticScore
from diagnostic.models import Cluster, Diagnostic
from plans.models import Action, ActionPlan

SORTS = {
    "name": ("name", "pk"),
    "index": (F("latest_index").desc(nulls_last=True), "name"),
    "change": (F("change").desc(nulls_last=True), "name"),
    "late": ("-late_milestones", "name"),
    "activity": ("-last_activity", "name"),
}
OPEN_ACTIONS = [Action.Status.PLANNED, Action.Status.IN_PROGRESS]


def _scores(nth: int):
    """The nth latest scored run of the cluster (0: latest, 1: the one before)."""
    return DiagnosticScore.objects.filter(
        diagnostic__cluster=OuterRef("pk"),
        diagnostic__status=Diagnostic.Status.SUBMITTED,
    ).order_by("-diagnostic__run", "-pk")[nth:nth + 1]


def _latest(queryset, field):
    return Subquery(queryset.filter(cluster=OuterRef("pk")).order_by("-updated_at")
                    .values(field)[:1])


def _count(queryset):
    return Subquery(queryset.order_by().values("plan__cluster")
                    .annotate(n=Count("pk")).values("n")[:1])


def portfolio(user, *, today: datetime.date, filters: dict, sort: str = "name"):
    """The clusters the user follows (all for administrators), annotated and filtered."""
    late = Action.objects.filter(plan__cluster=OuterRef("pk"), status__in=OPEN_ACTIONS,
                                 milestone_date__lt=today)
    clusters = Cluster.objects.reviewable_by(user).annotate(
        latest_index=Subquery(_scores(0).values("overall")),
        latest_band=Subquery(_scores(0).values("band")),
        previous_index=Subquery(_scores(1).values("overall")),
        plan_status=_latest(ActionPlan.objects, "status"),
        late_milestones=Coalesce(_count(late), 0),
        last_activity=Greatest(
            "updated_at",
            Coalesce(_latest(Diagnostic.objects, "updated_at"), "updated_at"),
            Coalesce(_latest(ActionPlan.objects, "updated_at"), "updated_at")),
    ).annotate(change=F("latest_index") - F("previous_index"))
    lookups = {"country": "country", "sector": "sector", "governance": "governance",
               "band": "latest_band", "plan_status": "plan_status"}
    wanted = Q(**{lookups[k]: v for k, v in filters.items() if v and k in lookups})
    return clusters.filter(wanted).order_by(*SORTS.get(sort, SORTS["name"]))
