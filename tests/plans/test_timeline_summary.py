import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from plans.display import plan_actions, timeline_summary
from tests.factories import plan_for

pytestmark = [pytest.mark.django_db]


def test_the_agenda_chart_in_one_sentence(client, team):
    plan = plan_for(team, start_date=datetime.date(2027, 1, 1))
    actions = plan_actions(plan)
    first, second = actions[0], actions[1]
    first.status, first.milestone = "done", ""
    second.status, second.milestone = "in_progress", "Partners signed"
    second.milestone_date = datetime.date(2027, 6, 30)
    for action in actions[2:]:
        action.milestone = ""

    with time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)):
        sentence = timeline_summary(plan, actions)

    assert sentence == (
        f"{len(actions)} actions from Jan. 1, 2027 to "
        f"{date_format(plan.end_date, 'DATE_FORMAT')}: 1 done, 1 in progress; "
        "the next milestone is “Partners signed” on June 30, 2027.")
    client.force_login(team.manager)
    page = client.get(reverse("plans:agenda", args=[plan.pk]))
    assert 'data-testid="timeline-summary"' in page.text


@pytest.mark.parametrize("language, done, expected", [
    ("fr", 1, "1 terminée, 2 en cours"),
    ("fr", 2, "2 terminées, 1 en cours"),
    ("de", 2, "2 erledigt, 1 in Arbeit"),
    ("en", 0, "0 done, 3 in progress"),
])
def test_each_count_of_the_sentence_has_its_own_plural(team, language, done, expected):
    plan = plan_for(team, start_date=datetime.date(2027, 1, 1))
    actions = plan_actions(plan)[:3]
    for i, action in enumerate(actions):
        action.status, action.milestone = ("done" if i < done else "in_progress"), ""

    with translation.override(language):
        sentence = timeline_summary(plan, actions)

    assert expected in sentence, sentence
    assert "(s)" not in sentence
