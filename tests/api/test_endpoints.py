import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from benchmark.models import Cohort, SegmentDistribution, SegmentShare
from benchmark.segments import segment_key
from tests.factories import (
    ClusterFactory,
    DiagnosticFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
    api_token,
    plan_for,
)

pytestmark = [pytest.mark.django_db]


def _api(user):
    _token, secret = api_token(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_schema_validates_against_the_openapi_3_specification():
    """drf-spectacular's generator, checked with its bundled OpenAPI 3.0 JSON schema
    (jsonschema), not only structurally."""
    schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    assert {"/api/v1/clusters/", "/api/v1/runs/{id}/answers/", "/api/v1/plans/{id}/",
            "/api/v1/peer-statistics/", "/api/v1/study-figures/"} <= set(schema["paths"])


def test_the_schema_is_served_to_anyone(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ClusterDiag API"


def test_a_client_walks_every_endpoint_with_a_token_then_is_refused_once_revoked(team):
    from api.tokens import token_revoke

    plan = plan_for(team)
    run = plan.diagnostic
    token, secret = api_token(team.manager)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    clusters = api.get(reverse("api:cluster-list")).json()
    cluster = api.get(reverse("api:cluster-detail", args=[team.cluster.pk])).json()
    runs = api.get(reverse("api:run-list"), {"cluster": team.cluster.pk}).json()
    detail = api.get(reverse("api:run-detail", args=[run.pk])).json()
    answers = api.get(reverse("api:run-answers", args=[run.pk])).json()
    plans = api.get(reverse("api:plan-list")).json()
    one_plan = api.get(reverse("api:plan-detail", args=[plan.pk])).json()
    figures = api.get(reverse("api:study-figures")).json()
    followed = api.get(reverse("api:followed-cluster-list")).json()

    assert clusters["count"] == 1 and clusters["results"][0]["name"] == team.cluster.name
    assert cluster["sector_label"] == team.cluster.get_sector_display()
    assert [r["id"] for r in runs["results"]] == [run.pk]
    assert detail["score"]["index"] == run.score.overall
    assert detail["score"]["band_label"] and len(detail["score"]["dimensions"]) == 5
    assert answers["run"] == run.pk and answers["answers"]
    assert all(a["question"] and a["question"] != a["key"] for a in answers["answers"])
    assert plans["count"] == 1
    assert len(one_plan["actions"]) == plan.actions.count()
    assert {"milestone", "milestone_date", "status_label"} <= set(one_plan["actions"][0])
    assert figures and all("text" in f for f in figures)
    assert followed["count"] == 0  # a manager follows nothing

    token_revoke(token=token)
    refused = api.get(reverse("api:cluster-list"))
    assert refused.status_code == 401
    assert refused.json()["message"] == "This token is not valid."


def test_answers_are_labels_in_the_token_owners_language(team):
    plan = plan_for(team)
    team.manager.language = "fr"
    team.manager.save()
    answers = _api(team.manager).get(reverse("api:run-answers",
                                             args=[plan.diagnostic_id])).json()["answers"]
    question = plan.diagnostic.answers.select_related("question").filter(
        question__label_texts__has_key="fr").first().question

    row = next(a for a in answers if a["key"] == question.key)
    with translation.override("fr"):
        assert row["question"] == question.label


def test_another_clusters_objects_are_404_with_a_json_message(team):
    plan = plan_for(team)
    outsider = _api(MembershipFactory().user)

    for url in (reverse("api:cluster-detail", args=[team.cluster.pk]),
                reverse("api:run-detail", args=[plan.diagnostic_id]),
                reverse("api:run-answers", args=[plan.diagnostic_id]),
                reverse("api:plan-detail", args=[plan.pk])):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response.json()["status"] == 404 and response.json()["message"]
    assert outsider.get(reverse("api:plan-list")).json()["count"] == 0


def test_a_facilitator_lists_the_clusters_they_follow_only():
    facilitator = FacilitatorFactory()
    followed = ClusterFactory(name="Followed")
    ClusterFactory(name="Not followed")
    followed.facilitators.add(facilitator)

    listed = _api(facilitator).get(reverse("api:followed-cluster-list")).json()

    assert [c["name"] for c in listed["results"]] == ["Followed"]


def test_lists_filter_by_date_and_refuse_a_bad_date_with_a_message(team):
    api = _api(team.manager)
    url = reverse("api:cluster-list")

    assert api.get(url, {"updated_after": "2000-01-01"}).json()["count"] == 1
    assert api.get(url, {"updated_before": "2000-01-02"}).json()["count"] == 0
    bad = api.get(url, {"updated_after": "2027-02-30"})
    assert bad.status_code == 400
    assert bad.json()["message"] and "updated_after" in bad.json()["errors"]


def test_lists_are_paginated(team, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    for _ in range(3):
        MembershipFactory(user=team.manager)
    api = _api(team.manager)

    first = api.get(reverse("api:cluster-list")).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 4 and len(first["results"]) == 2 and len(second["results"]) == 2
    assert api.get(reverse("api:cluster-list"), {"page": 9}).status_code == 404


def test_the_rate_is_limited_per_token(team, monkeypatch):
    from api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/hour"})
    first, second = _api(team.manager), _api(team.manager)
    url = reverse("api:cluster-list")

    statuses = [first.get(url).status_code for _ in range(4)]
    limited = first.get(url)

    assert statuses == [200, 200, 200, 429]
    assert limited.json()["message"] and limited.json()["status"] == 429
    assert second.get(url).status_code == 200  # another token, its own allowance


def test_an_anonymous_caller_is_asked_to_authenticate_in_json(client):
    response = client.get(reverse("api:run-list"))

    assert response.status_code == 401
    assert response.json()["message"]


def test_peer_statistics_show_only_published_groups(team):
    api = _api(team.manager)
    url = reverse("api:peer-statistics")
    segment = segment_key(sector="ict")
    SegmentDistribution.objects.create(cohort=Cohort.LIVE, segment=segment,
                                       dimension="overall", n=7,
                                       cut_points=[10, 20, 30, 40, 50, 60, 70, 80, 90])
    SegmentShare.objects.create(cohort=Cohort.LIVE, segment=segment, question_key="q",
                                option_key="o", n=7, count=3)

    published = api.get(url, {"sector": "ict"}).json()
    hidden = api.get(url, {"sector": "energy"})
    demo_only = api.get(url, {"governance": "bottom_up"})
    unknown = api.get(url, {"sector": "nonsense"})

    assert published["n"] == 7 and published["quartiles"]["overall"] == [30, 50, 70]
    assert published["shares"] == [{"question_key": "q", "option_key": "o", "count": 3,
                                    "percent": 43}]
    assert hidden.status_code == 404 and "published" in hidden.json()["message"]
    assert demo_only.status_code == 404
    assert unknown.status_code == 400 and "sector" in unknown.json()["errors"]


def _clusters_with_runs(user, n):
    """n clusters of the user, each with a scored run and a plan of two actions."""
    import datetime

    from benchmark.models import DiagnosticScore, ScoringMethod
    from plans.models import Action, ActionPlan, PlaybookVersion

    method = ScoringMethod.objects.get(is_current=True)
    playbook = PlaybookVersion.objects.order_by("-pk").first()
    day = datetime.date(2027, 1, 1)
    for _ in range(n):
        membership = MembershipFactory(user=user)
        run = DiagnosticFactory(cluster=membership.cluster, status="submitted")
        DiagnosticScore.objects.create(diagnostic=run, method=method, overall=40,
                                       dimensions={}, items={}, band="moderately")
        plan = ActionPlan.objects.create(cluster=membership.cluster, diagnostic=run,
                                         playbook=playbook, phase="get_to_know",
                                         statement="x", start_date=day,
                                         end_date=day + datetime.timedelta(days=365))
        for position in (1, 2):
            Action.objects.create(plan=plan, position=position, title="Act",
                                  start_date=day, due_date=day, owner=user)


@pytest.mark.parametrize("name", ["api:cluster-list", "api:run-list", "api:plan-list"])
def test_list_endpoints_keep_a_constant_number_of_queries(name, django_assert_num_queries):
    user = UserFactory()
    api = _api(user)
    _clusters_with_runs(user, 2)
    api.get(reverse(name))  # the token's last use is written once
    with django_assert_num_queries(_count(api, name)) as small:
        api.get(reverse(name))
    _clusters_with_runs(user, 30)

    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get(reverse(name))

    assert response.status_code == 200


def _count(api, name) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        api.get(reverse(name))
    return len(queries.captured_queries)
