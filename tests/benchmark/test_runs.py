"""A cluster's runs over time and two runs compared (benchmark/runs.py, run_views.py)."""

import pytest
from django.urls import reverse

from benchmark.models import RunPeerPosition, ScoringMethod
from diagnostic import services
from diagnostic.models import Question, QuestionnaireVersion
from tests.factories import answer, answer_everything, run_again, submitted_diagnostic

pytestmark = [pytest.mark.django_db]


def first_run(team, **values):
    """The team's first run, fully answered with `values` changed, submitted."""
    answer_everything(team.diagnostic, team.manager)
    answer(team.diagnostic, team.manager, **values)
    return services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                      benchmark_consent=False)


@pytest.fixture
def two_runs(team):
    first = first_run(team, current_strategy=["q4_contact_networks"])
    second = run_again(team, current_strategy=["q4_concrete_strategy"])
    return first, second


def _compare(client, cluster, before, after, **extra):
    return client.get(reverse("benchmark:cluster_runs", args=[cluster.pk]),
                      {"before": before.pk, "after": after.pk, **extra})


def test_the_runs_page_shows_each_run_with_its_version_method_and_index(client, team, two_runs):
    client.force_login(team.member)

    response = client.get(reverse("benchmark:cluster_runs", args=[team.cluster.pk]))

    assert response.status_code == 200
    rows = response.context["table"]["rows"]
    assert [r["run"].run for r in rows] == [1, 2]
    assert [r["overall"] for r in rows] == [run.score.overall for run in two_runs]
    chart = response.context["chart"]
    assert [s["name"] for s in chart["data"]][:2] == ["index", "Strategy"]
    assert chart["data"][0]["y"] == [run.score.overall for run in two_runs]
    assert two_runs[0].score.method.code in response.content.decode()
    assert not response.context["data"].rescored


def test_two_runs_compared_dimension_by_dimension_and_answer_by_answer(client, team, two_runs):
    first, second = two_runs
    client.force_login(team.manager)

    # Picked the wrong way round: the earlier run is still "before".
    compared = _compare(client, team.cluster, second, first).context["compared"]

    assert (compared.before.pk, compared.after.pk) == (first.pk, second.pk)
    strategy = next(r for r in compared.scores if r["key"] == "strategy")
    assert strategy["after"] > strategy["before"]
    assert strategy["change"] == round(strategy["after"] - strategy["before"], 1)
    changed = [r for r in compared.answers if r.state == "changed"]
    assert [r.key for r in changed] == ["current_strategy"]
    assert changed[0].after == "A concrete, defined and established internationalisation strategy"
    assert changed[0].before and changed[0].before != changed[0].after


def test_runs_of_different_methods_are_rescored_under_one_and_say_so(client, team, two_runs):
    first, second = two_runs
    definition = dict(second.score.method.definition, code="2026.test")
    newer = ScoringMethod.objects.create(code="2026.test", definition=definition)
    second.score.method = newer
    second.score.save()
    client.force_login(team.manager)

    response = _compare(client, team.cluster, first, second)

    assert response.context["compared"].rescored
    assert response.context["data"].rescored
    assert "Re-scored:" in response.content.decode()


def test_a_question_of_one_version_only_is_not_asked_then(client, team, two_runs):
    first, second = two_runs
    services.questionnaire_version_copy(version=second.version)
    copy = QuestionnaireVersion.objects.exclude(pk__in=[first.version_id]).order_by("-pk")[0]
    # The copy asks one question more: renamed, as a new version may do.
    Question.objects.filter(section__version=copy, key="board_support").update(key="board_new")
    second.version = copy
    second.save()
    client.force_login(team.manager)

    answers = {r.key: r for r in _compare(client, team.cluster, first, second)
               .context["compared"].answers}

    assert answers["board_new"].state == "not_asked_before"
    assert answers["board_support"].state == "not_asked_after"
    assert "not asked then" in _compare(client, team.cluster, first, second).content.decode()


def test_a_run_keeps_the_peer_position_published_when_it_was_scored(team):
    run = submitted_diagnostic(team)

    position = RunPeerPosition.objects.get(diagnostic=run)

    # No group of peers is published in an empty test database: nothing is invented.
    assert position.positions == []


def test_a_run_scored_before_positions_were_kept_says_so(client, team, two_runs):
    RunPeerPosition.objects.filter(diagnostic=two_runs[0]).delete()
    client.force_login(team.manager)

    response = _compare(client, team.cluster, *two_runs)

    assert [p["recorded"] for p in response.context["compared"].peers] == [False, True]
    assert "this run was scored before peer positions were kept" in response.content.decode()
    assert "no peer group was published then" in response.content.decode()


@pytest.mark.parametrize("data", [{"before": "x", "after": "1"}, {"before": "", "after": ""},
                                  "same"])
def test_bad_choices_get_a_message_next_to_the_field(client, team, two_runs, data):
    client.force_login(team.manager)
    if data == "same":
        data = {"before": two_runs[0].pk, "after": two_runs[0].pk}

    response = client.get(reverse("benchmark:cluster_runs", args=[team.cluster.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert response.context["compared"] is None


def test_a_run_of_another_cluster_cannot_be_compared(client, team, two_runs, other_run):
    client.force_login(team.manager)

    response = _compare(client, team.cluster, two_runs[0], other_run)

    assert response.status_code == 400
    assert "after" in response.context["form"].errors


@pytest.fixture
def other_run(db):
    from types import SimpleNamespace

    from tests.factories import ClusterFactory, MembershipFactory, UserFactory

    manager = UserFactory()
    cluster = ClusterFactory()
    MembershipFactory(cluster=cluster, user=manager)
    draft = services.diagnostic_start(cluster=cluster, user=manager)
    return submitted_diagnostic(SimpleNamespace(diagnostic=draft, manager=manager))


def _runs(team, count):
    submitted_diagnostic(team)
    for i in range(count - 1):
        run_again(team, intl_staff_fte=i + 1)


@pytest.mark.parametrize("count", [1, 10])
def test_the_cluster_page_keeps_its_query_count(client, team, count,
                                                django_assert_num_queries):
    _runs(team, count)
    client.force_login(team.manager)
    url = reverse("diagnostic:cluster_detail", args=[team.cluster.pk])
    client.get(url)

    with django_assert_num_queries(11):
        response = client.get(url)

    assert len(response.context["diagnostics"]) == count
    # The chart of the index over time, and its table, are on the cluster page itself.
    assert len(response.context["chart"]["data"][0]["y"]) == count
    assert len(response.context["table"]["rows"]) == count
    method = team.cluster.diagnostics.first().score.method.code
    assert response.content.decode().count(method) >= count


@pytest.mark.parametrize("count", [2, 10])
def test_the_runs_page_keeps_its_query_count(client, team, count, django_assert_num_queries):
    _runs(team, count)
    client.force_login(team.manager)
    runs = list(team.cluster.diagnostics.order_by("run"))

    with django_assert_num_queries(9):
        response = _compare(client, team.cluster, runs[0], runs[-1])

    assert len(response.context["table"]["rows"]) == count
