"""Generated plan texts in the reader's language; a text a person edits is kept as typed
and marked with its language (plans/texts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from plans import services
from plans.models import Action
from plans.pdf.content import pdf_context
from tests.factories import plan_for

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """The test client leaves the last request's language active: later tests that
    generate a plan would write it in French."""
    yield
    translation.deactivate()


def english_plan(team):
    with override("en"):
        return plan_for(team)


def read_in(client, user, language: str, url: str):
    user.language = language
    user.save()
    client.force_login(user)
    return client.get(url, headers={"accept-language": language})


def test_a_plan_generated_in_english_is_stored_in_every_language(team):
    plan = english_plan(team)
    action = plan.actions.order_by("position").first()

    assert plan.statement == plan.generated_texts["statement"]["en"]
    assert plan.generated_texts["statement"]["fr"].startswith("Commencer par la phase")
    assert set(action.generated_texts) >= {"title", "owner_role", "milestone", "indicator"}
    assert action.title == action.generated_texts["title"]["en"]
    assert action.generated_texts["title"]["fr"] != action.generated_texts["title"]["en"]
    assert plan.typed_languages == action.typed_languages == {}


def test_a_french_reader_of_an_english_plan_sees_french_everywhere(team, client):
    plan = english_plan(team)
    actions = list(plan.actions.order_by("position"))

    html = read_in(client, team.member, "fr", plan.get_absolute_url()).content.decode()

    assert plan.generated_texts["statement"]["fr"].split("\n")[0][:40] in html
    for action in actions:
        assert f"<strong>{action.generated_texts['title']['fr']}</strong>" in html \
            .replace("&#x27;", "'")
    assert actions[0].title not in html.replace("&#x27;", "'")
    assert "Langue de saisie" not in html


def test_an_edited_title_is_kept_as_typed_and_marked_with_its_language(team, client):
    plan = english_plan(team)
    first, second = plan.actions.order_by("position")[:2]
    fields = {name: getattr(first, name) for name in (
        "title", "description", "owner", "owner_role", "start_date", "due_date",
        "target_countries", "target_markets", "milestone", "milestone_date", "funding",
        "indicator", "status")}

    with override("en"):
        services.action_update(action=first, user=team.manager, revision=first.revision,
                               fields={**fields, "title": "Visit the Nordic cluster"})

    first.refresh_from_db()
    assert first.typed_languages == {"title": "en"}
    assert "title" not in first.generated_texts
    assert "milestone" in first.generated_texts  # unchanged: still generated
    html = read_in(client, team.member, "fr", plan.get_absolute_url()).content.decode()
    assert "Visit the Nordic cluster" in html
    assert html.count("Langue de saisie : Anglais") == 1
    assert first.generated_texts["milestone"]["fr"] in html.replace("&#x27;", "'")
    assert f"<strong>{second.generated_texts['title']['fr']}</strong>" in html.replace(
        "&#x27;", "'")
    english = read_in(client, team.member, "en", plan.get_absolute_url()).content.decode()
    assert "Typed in" not in english


def test_saving_the_form_unchanged_in_french_keeps_the_texts_generated(team, client):
    plan = english_plan(team)
    action = plan.actions.order_by("position").first()
    url = reverse("plans:action_edit", args=[plan.pk, action.pk])
    form = read_in(client, team.member, "fr", url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}

    response = client.post(url, data, headers={"accept-language": "fr"})

    action.refresh_from_db()
    assert response.status_code == 302
    assert form["title"].value() == action.generated_texts["title"]["fr"]
    assert action.typed_languages == {}
    assert action.title == action.generated_texts["title"]["en"]


def test_an_edited_statement_is_marked_with_the_editors_language(team, client):
    plan = english_plan(team)

    with override("fr"):
        services.plan_update(plan=plan, user=team.manager, revision=plan.revision,
                             statement="Notre stratégie", start_date=plan.start_date,
                             end_date=plan.end_date)

    plan.refresh_from_db()
    assert (plan.statement, plan.typed_languages) == ("Notre stratégie", {"statement": "fr"})
    html = read_in(client, team.member, "en", plan.get_absolute_url()).content.decode()
    assert "Notre stratégie" in html and "Typed in: French" in html


def test_a_new_action_is_typed_in_its_authors_language(team):
    plan = english_plan(team)
    action = plan.actions.first()
    fields = {"title": "Eigene Aktion", "description": "", "owner": None,
              "owner_role": "Board", "start_date": action.start_date,
              "due_date": action.due_date, "target_countries": [], "target_markets": "",
              "milestone": "", "milestone_date": None, "funding": None, "indicator": "",
              "status": "planned"}

    with override("fr"):
        added = services.action_add(plan=plan, user=team.manager, fields=fields)

    assert added.typed_languages == {"title": "fr", "owner_role": "fr"}
    assert added.generated_texts == {}


def test_the_pdf_shows_the_generated_texts_in_the_readers_language(team):
    plan = english_plan(team)

    with override("fr"):
        context = pdf_context(plan, with_images=False)

    assert context["plan"].statement == plan.generated_texts["statement"]["fr"]
    assert [a.title for a in context["actions"]] == [
        a.generated_texts["title"]["fr"] for a in plan.actions.order_by("position", "pk")]


def with_actions(plan, count: int):
    """The plan with `count` generated actions (copies of its first one)."""
    first = plan.actions.order_by("position").first()
    plan.actions.exclude(pk=first.pk).delete()
    for position in range(2, count + 1):
        Action.objects.create(
            plan=plan, position=position, title=first.title, owner_role=first.owner_role,
            start_date=first.start_date, due_date=first.due_date, milestone=first.milestone,
            indicator=first.indicator, generated_texts=first.generated_texts,
            typed_languages={"description": "de"} if position % 2 else {})
    return plan


def test_plan_pages_in_french_keep_their_query_count_with_1_and_30_actions(team, client):
    plan = english_plan(team)
    counts = []
    for size in (1, 30):
        with_actions(plan, size)
        assert plan.actions.count() == size
        page_counts = []
        for name in ("detail", "agenda"):
            read_in(client, team.member, "fr", reverse(f"plans:{name}", args=[plan.pk]))
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(f"plans:{name}", args=[plan.pk]),
                                      headers={"accept-language": "fr"})
            assert response.status_code == 200
            page_counts.append(len(queries))
        counts.append(page_counts)

    assert counts[0] == counts[1]



def test_a_text_written_outside_the_services_is_shown_as_written(team):
    plan = english_plan(team)
    action = plan.actions.order_by("position").first()
    Action.objects.filter(pk=action.pk).update(milestone="Set in the admin")

    with override("fr"):
        shown = pdf_context(plan, with_images=False)["actions"][0]

    assert shown.milestone == "Set in the admin"
    assert shown.title == action.generated_texts["title"]["fr"]
