"""What the API publishes of each object: codes for programs, labels in the caller's
language for people, never anything the site itself does not show to the same caller."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from benchmark.results import band_label
from clusterdiag.language import pick_text
from diagnostic.models import Cluster, Diagnostic
from plans.models import Action, ActionPlan
from plans.texts import ACTION_TEXTS, PLAN_TEXTS, localize


class ClusterSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    country_name = serializers.CharField(source="country.name")
    sector_label = serializers.CharField(source="get_sector_display")
    governance_label = serializers.CharField(source="get_governance_display")

    class Meta:
        model = Cluster
        fields = ["id", "name", "country", "country_name", "region", "sector", "sector_label",
                  "governance", "governance_label", "companies", "smes", "research_institutes",
                  "universities", "other_members", "jobs", "year_founded", "management_fte",
                  "created_at", "updated_at"]


class DimensionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField()


class ScoreSerializer(serializers.Serializer):
    method = serializers.CharField()
    index = serializers.FloatField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    dimensions = DimensionSerializer(many=True)


def score_data(diagnostic: Diagnostic) -> dict | None:
    """The run's index in words (the results page's), or None before it is scored."""
    score = getattr(diagnostic, "score", None)
    if score is None:
        return None
    method = score.method.definition
    return {"method": score.method.code, "index": score.overall, "band": score.band,
            "band_label": band_label(method, score.band),
            "dimensions": [{"key": d["key"], "label": pick_text(d["label"]),
                            "score": score.dimensions[d["key"]]}
                           for d in method["dimensions"] if d["key"] in score.dimensions]}


class RunSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="version.code")
    status_label = serializers.CharField(source="get_status_display")
    score = serializers.SerializerMethodField()

    class Meta:
        model = Diagnostic
        fields = ["id", "cluster", "run", "version", "status", "status_label", "created_at",
                  "updated_at", "submitted_at", "score"]

    @extend_schema_field(ScoreSerializer(allow_null=True))
    def get_score(self, diagnostic) -> dict | None:
        return score_data(diagnostic)


class AnswerSerializer(serializers.Serializer):
    section = serializers.CharField()
    key = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField(allow_blank=True)


class RunAnswersSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    answers = AnswerSerializer(many=True)


class ActionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    owner = serializers.CharField(source="owner_display")
    target_countries = serializers.SerializerMethodField()
    funding = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "position", "title", "description", "owner", "start_date", "due_date",
                  "target_countries", "target_markets", "milestone", "milestone_date",
                  "funding", "indicator", "status", "status_label", "typed_languages",
                  "updated_at"]

    def to_representation(self, action):
        # Generated texts in the caller's language; typed ones as typed, their language
        # in typed_languages.
        return super().to_representation(localize(action, ACTION_TEXTS))

    def get_target_countries(self, action) -> list[str]:
        return [c.code for c in action.target_countries]

    def get_funding(self, action) -> str:
        return action.funding.localized("title") if action.funding_id else ""


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    run = serializers.IntegerField(source="diagnostic_id")
    actions = ActionSerializer(many=True)

    class Meta:
        model = ActionPlan
        fields = ["id", "cluster", "run", "status", "status_label", "statement", "objectives",
                  "typed_languages", "start_date", "end_date", "created_at", "updated_at",
                  "submitted_at", "decided_at", "actions"]

    def to_representation(self, plan):
        return super().to_representation(localize(plan, PLAN_TEXTS))


class PeerGroupSerializer(serializers.Serializer):
    segment = serializers.CharField()
    n = serializers.IntegerField()
    quartiles = serializers.DictField(child=serializers.ListField(child=serializers.FloatField()))
    shares = serializers.ListField(child=serializers.DictField())


class StudyFigureSerializer(serializers.Serializer):
    question_key = serializers.CharField()
    option_key = serializers.CharField()
    question = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    statement = serializers.CharField(allow_blank=True)
    caveat = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
