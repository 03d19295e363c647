"""The strategy and plan pages: the playbook and the questionnaire's words are read once
per process (their versions are frozen once in use), and no page costs more queries with
20 actions and 20 team members than with one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diagnostic import services as diagnostic_services
from diagnostic.models import Question
from plans import services as plan_services
from plans.models import PlaybookVersion
from plans.playbook.load import playbook_read
from tests.factories import MembershipFactory, valid_value
from tests.plans.pdf_support import add_actions

pytestmark = [pytest.mark.django_db]

PLAYBOOK_TABLES = ("diagnostic_phase", "diagnostic_instrument", "diagnostic_barriermeasure",
                   "diagnostic_fundingoption", "diagnostic_actiontemplate",
                   "diagnostic_question", "diagnostic_option")


def _plan(team):
    diagnostic = team.diagnostic
    questions = Question.objects.filter(section__version=diagnostic.version
                                        ).prefetch_related("options")
    diagnostic_services.answers_save(diagnostic=diagnostic, user=team.manager,
                                     section_key="funding",
                                     values={q: valid_value(q) for q in questions})
    diagnostic_services.diagnostic_submit(diagnostic=diagnostic, user=team.manager,
                                          benchmark_consent=True)
    return plan_services.plan_generate(diagnostic=diagnostic, user=team.manager,
                                       start_date=datetime.date(2027, 1, 1))


def _pages(team, plan):
    return [f"/diagnostics/{team.diagnostic.pk}/strategy/", f"/plans/{plan.pk}/",
            f"/plans/{plan.pk}/agenda/", f"/plans/{plan.pk}/history/"]


def _measure(client, pages):
    counts, playbook = {}, {}
    for path in pages:
        client.get(path)  # the first visit of this process reads and keeps them
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(context.captured_queries)
        playbook[path] = [q["sql"] for q in context.captured_queries
                          if any(f'FROM "{table}"' in q["sql"] for table in PLAYBOOK_TABLES)]
    return counts, playbook


def test_playbook_read_once_and_counts_constant(client, team):
    plan = _plan(team)
    client.force_login(team.manager)
    pages = _pages(team, plan)

    one, playbook = _measure(client, pages)
    add_actions(plan, 19, user=team.manager)
    for _ in range(19):
        MembershipFactory(cluster=team.cluster, role="member")
    twenty, _playbook = _measure(client, pages)

    assert playbook == {path: [] for path in pages}
    assert twenty == one
    assert max(one.values()) <= 14


def test_a_playbook_version_no_plan_uses_is_read_afresh(client, team):
    """An unused version may still be edited in the admin, by any host: never kept."""
    version = PlaybookVersion.objects.current()
    assert not version.is_in_use
    before = playbook_read(version)
    phase = version.phases.order_by("position").first()
    phase.title_texts = {**phase.title_texts, "en": "Renamed in the admin"}
    phase.save()

    assert playbook_read(version)["phases"][0]["title"]["en"] == "Renamed in the admin"
    assert before["phases"][0]["title"]["en"] != "Renamed in the admin"
