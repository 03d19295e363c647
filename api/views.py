"""The read-only API: what the caller may read on the site, and nothing more. Every
queryset starts from the access rules of the site (visible_to / reviewable_by), so an object
of another cluster is a 404, as on the pages."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmark import results, scoring, selectors
from benchmark.forms import PeerFilterForm
from benchmark.models import Cohort, SegmentDistribution, SegmentShare
from benchmark.segments import segment_key
from diagnostic.display import answer_rows
from diagnostic.models import Cluster, Diagnostic
from plans.models import Action, ActionPlan

from . import serializers as api
from .filters import DateWindow, date_window

DATE_PARAMETERS = [
    OpenApiParameter("updated_after", str, description="YYYY-MM-DD"),
    OpenApiParameter("updated_before", str, description="YYYY-MM-DD"),
]


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


@extend_schema(parameters=DATE_PARAMETERS)
class ClusterViewSet(ReadOnly):
    """The clusters the caller's team runs or the caller follows."""

    serializer_class = api.ClusterSerializer

    def get_queryset(self):
        clusters = Cluster.objects.visible_to(self.request.user).order_by("name", "pk")
        return date_window(clusters, self.request.query_params, "updated_at")


@extend_schema(parameters=DATE_PARAMETERS)
class FollowedClusterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """For facilitators: the clusters they follow (all clusters for administrators)."""

    serializer_class = api.ClusterSerializer

    def get_queryset(self):
        clusters = Cluster.objects.reviewable_by(self.request.user).order_by("name", "pk")
        return date_window(clusters, self.request.query_params, "updated_at")


class RunFilter(DateWindow):
    cluster = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


@extend_schema(parameters=[*DATE_PARAMETERS, OpenApiParameter("cluster", int)])
class RunViewSet(ReadOnly):
    """Diagnostic runs with their index once submitted."""

    serializer_class = api.RunSerializer

    def get_queryset(self):
        runs = (Diagnostic.objects.visible_to(self.request.user)
                .select_related("version", "score__method").order_by("cluster_id", "run", "pk"))
        if self.action == "list":
            query = RunFilter(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if "cluster" in query.validated_data:
                runs = runs.filter(cluster_id=query.validated_data["cluster"])
            runs = date_window(runs, self.request.query_params, "updated_at")
        return runs


class RunAnswersView(APIView):
    """A run's answers in words, in the caller's language (never option codes)."""

    @extend_schema(responses=api.RunAnswersSerializer)
    def get(self, request, pk):
        run = self._run(request, pk)
        return Response({"run": run.pk, "answers": answer_rows(run)})

    @staticmethod
    def _run(request, pk):
        run = (Diagnostic.objects.visible_to(request.user)
               .select_related("cluster", "version").filter(pk=pk).first())
        if run is None:
            raise exceptions.NotFound
        return run


@extend_schema(parameters=DATE_PARAMETERS)
class PlanViewSet(ReadOnly):
    """Action plans with their actions and milestones."""

    serializer_class = api.PlanSerializer

    def get_queryset(self):
        actions = Action.objects.select_related("owner", "funding").order_by("position", "pk")
        plans = (ActionPlan.objects.visible_to(self.request.user)
                 .prefetch_related(Prefetch("actions", queryset=actions))
                 .order_by("cluster_id", "pk"))
        return date_window(plans, self.request.query_params, "updated_at")


class PeerFilter(serializers.Serializer):
    """The peer filters of the results page, with the same values; an unknown value is a
    400 here (a program should hear about its typo), where the page ignores it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in PeerFilterForm().fields.items():
            self.fields[name] = serializers.ChoiceField(
                choices=[c for c in field.choices if c[0] != ""], required=False)


class PeerStatisticsView(APIView):
    """The published figures of one group of live peers: the same rows the results page
    reads (quartiles of the index and its dimensions, shares per answer), only for groups
    that the disclosure control published. Nothing else is computed here."""

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in
                               ("sector", "governance", "country", "size")],
                   responses=api.PeerGroupSerializer)
    def get(self, request):
        query = PeerFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        segment = segment_key(**query.validated_data)
        rows = list(SegmentDistribution.objects.filter(cohort=Cohort.LIVE, segment=segment))
        if not rows:
            raise exceptions.NotFound(_("No figure is published for this group of peers "
                                        "(too few clusters, or hidden so that no small group "
                                        "can be worked out)."))
        shares = SegmentShare.objects.filter(cohort=Cohort.LIVE, segment=segment).order_by(
            "question_key", "option_key")
        return Response({
            "segment": segment, "n": rows[0].n,
            "quartiles": {r.dimension: list(scoring.quartiles(r.cut_points))
                          for r in rows},
            "shares": [{"question_key": s.question_key, "option_key": s.option_key,
                        "count": s.count, "percent": round(100 * s.count / s.n) if s.n else 0}
                       for s in shares]})


class StudyFiguresView(APIView):
    """The 2007 study's figures as the method page publishes them: a figure that was not
    recovered is words, never a number."""

    @extend_schema(responses=api.StudyFigureSerializer(many=True))
    def get(self, request):
        context = selectors.method_page_data()
        return Response(results.study_figure_rows(context["figures"],
                                                  context["study_questions"]))


_schema = SpectacularAPIView.as_view()


def schema(request):
    """The OpenAPI description (public, read-only). A plain view around DRF's, which DRF
    exempts from CSRF: an unsafe request is refused with 403 like on every other page."""
    return _schema(request)
