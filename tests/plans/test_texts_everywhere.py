"""Generated plan texts in the reader's language outside the plan pages too: the admin
(where facilitators review plans), the plan's history and the exports; a text a person
typed is shown as typed, with its language."""

import csv
import html
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from plans import services
from tests.factories import FacilitatorFactory, plan_for

pytestmark = [pytest.mark.django_db]
LANGUAGES = ["en", "fr", "de"]
TYPED = {"en": "Our own statement [typed in French]",
         "fr": "Our own statement [langue de saisie : Français]",
         "de": "Our own statement [Eingabesprache: Französisch]"}


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    translation.deactivate()


@pytest.fixture
def plan(team):
    """An English-generated plan whose statement the team then typed in French."""
    with override("en"):
        plan = plan_for(team)
    generated = plan.generated_texts["statement"]
    with override("fr"):
        services.plan_update(plan=plan, user=team.manager, revision=plan.revision,
                             statement="Our own statement", start_date=plan.start_date,
                             end_date=plan.end_date)
    plan.refresh_from_db()
    plan.generated_statement = generated
    return plan


def _reader(client, user, language):
    user.language = language
    user.save()
    client.force_login(user)


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_shows_generated_texts_in_the_facilitators_language(client, team, plan,
                                                                      language):
    facilitator = FacilitatorFactory()
    team.cluster.facilitators.add(facilitator)
    _reader(client, facilitator, language)

    page = _text(client.get(reverse("admin:plans_actionplan_change", args=[plan.pk])))

    for action in plan.actions.all():
        assert action.generated_texts["title"][language] in page
        assert action.generated_texts["milestone"][language] in page
    objective = plan.generated_texts["objectives"][language][0]
    assert objective["text"] in page and objective["indicator"] in page
    assert TYPED[language] in page
    if language != "en":
        first = plan.actions.order_by("position").first()
        assert first.generated_texts["title"]["en"] not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_csv_of_actions_is_in_the_facilitators_language(client, team, plan,
                                                                  language):
    facilitator = FacilitatorFactory()
    team.cluster.facilitators.add(facilitator)
    _reader(client, facilitator, language)

    response = client.post(reverse("admin:plans_actionplan_changelist"), {
        "action": "export_actions_csv", "_selected_action": [plan.pk]})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    actions = list(plan.actions.order_by("position", "pk"))
    assert [row[3] for row in rows[1:]] == [a.generated_texts["title"][language]
                                           for a in actions]
    assert [row[9] for row in rows[1:]] == [a.generated_texts["milestone"][language]
                                           for a in actions]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_history_shows_generated_texts_in_the_readers_language(client, team, plan,
                                                                   language):
    _reader(client, team.member, language)

    response = client.get(reverse("plans:history", args=[plan.pk]))

    statement = next(c for c in response.context["changes"] if c.fields)
    (_label, before, after), = [f for f in statement.fields if f[1] != f[2]]
    assert before == plan.generated_statement[language]
    # Marked with its language when it is not the reader's, as on the plan page.
    assert after == ("Our own statement" if language == "fr" else TYPED[language])
    subjects = {c.subject for c in response.context["changes"]}
    for action in plan.actions.all():
        assert any(action.generated_texts["title"][language] in s for s in subjects)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_run_export_and_the_api_give_the_texts_in_the_users_language(client, team, plan,
                                                                         language):
    _reader(client, team.member, language)

    exported = json.loads(client.get(reverse("api:run_json", args=[plan.diagnostic_id]))
                          .content)["plan"]
    api = client.get(reverse("api:plan-detail", args=[plan.pk])).json()

    actions = list(plan.actions.order_by("position", "pk"))
    for data in (exported, api):
        assert data["statement"] == "Our own statement"
        assert data["typed_languages"] == {"statement": "fr"}
        assert data["objectives"] == plan.generated_texts["objectives"][language]
        assert [a["title"] for a in data["actions"]] == [
            a.generated_texts["title"][language] for a in actions]
        assert [a["owner"] for a in data["actions"]] == [
            a.generated_texts["owner_role"][language] for a in actions]
