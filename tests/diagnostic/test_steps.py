"""Server-side validation of every question kind, through the step's form posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostic.models import Answer, Option, Question, Section
from tests.factories import step_data

pytestmark = [pytest.mark.django_db]

HUGE = "x" * 10_000


def _post(client, team, section_key, values, **extra):
    section = team.diagnostic.version.sections.get(key=section_key)
    client.force_login(team.manager)
    data = {**step_data(section, values), **extra}
    url = reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, section_key])
    return client.post(url, data)


def _stored(team, key):
    answer = Answer.objects.filter(diagnostic=team.diagnostic, question__key=key).first()
    return answer.value if answer else None


def test_a_valid_step_is_stored_and_leads_to_the_next_step(client, team):
    response = _post(client, team, "motives", {
        "motives": ["q1_new_markets", "q1_exchange"], "main_objectives": "  Two partners  ",
        "objective_indicators": "Two agreements signed",
        "geographic_ambition": "q8_worldwide", "time_horizon": "horizon_3y"})

    assert response.status_code == 302
    assert response.url == reverse("diagnostic:diagnostic_step",
                                   args=[team.diagnostic.pk, "driving_force"])
    assert _stored(team, "motives") == ["q1_new_markets", "q1_exchange"]
    assert _stored(team, "main_objectives") == "Two partners"
    assert _stored(team, "geographic_ambition") == "q8_worldwide"
    team.diagnostic.refresh_from_db()
    assert team.diagnostic.current_section == "motives"


@pytest.mark.parametrize(
    ("section", "key", "bad_value", "message"),
    [
        ("motives", "motives", ["q1_new_markets", "q1_exchange", "q1_new_knowhow"],
         "Choose at most 2 answers."),
        ("motives", "motives", ["not-an-option"], "Select a valid choice."),
        ("motives", "motives", ["q1_exchange", "q1_exchange"], "only be chosen once"),
        ("motives", "geographic_ambition", "q1_exchange", "Select a valid choice."),
        ("motives", "geographic_ambition", "\x00", "Select a valid choice."),
        ("motives", "main_objectives", HUGE, "at most 2000 characters"),
        ("motives", "main_objectives", "bad\x00text", "Null characters are not allowed."),
        ("driving_force", "intl_staff_fte", "-1", "greater than or equal to 0"),
        ("driving_force", "intl_staff_fte", "1e400", "less than or equal to 50"),
        ("driving_force", "intl_staff_fte", "99999999999999999999", "less than or equal to 50"),
        ("driving_force", "intl_staff_fte", "twelve", "Enter a number."),
        ("strategy", "members_active_abroad_pct", "101", "less than or equal to 100"),
        ("strategy", "current_strategy", ["q4_none", "q4_joint_rd"], "cannot be combined"),
        ("cooperation", "target_countries", ["XX"], "Select a valid choice."),
        ("cooperation", "target_countries",
         ["FR", "DE", "IT", "ES", "PT", "BE", "NL", "LU", "AT", "CH", "PL", "CZ", "SK", "HU",
          "SI", "HR"], "Choose at most 15 answers."),
    ],
)
def test_invalid_answers_get_a_message_next_to_the_field(client, team, section, key,
                                                          bad_value, message):
    response = _post(client, team, section, {key: bad_value})

    assert response.status_code == 200
    errors = response.context["step"].form.errors[f"q_{key}"]
    assert any(message in e for e in errors), errors
    assert _stored(team, key) is None


def test_an_invalid_step_keeps_all_its_other_answers(client, team):
    response = _post(client, team, "motives", {
        "motives": ["q1_new_markets", "q1_exchange", "q1_new_knowhow"],
        "main_objectives": "Grow abroad", "geographic_ambition": "q8_europe"})

    assert response.status_code == 200
    assert "Some answers could not be saved" in response.text
    assert _stored(team, "main_objectives") == "Grow abroad"
    assert _stored(team, "geographic_ambition") == "q8_europe"
    assert _stored(team, "motives") is None
    # The rejected answer is shown again as typed, with its message.
    assert response.context["step"].form["q_motives"].value() == [
        "q1_new_markets", "q1_exchange", "q1_new_knowhow"]


def test_error_messages_are_in_french_for_a_french_user(client, team):
    team.manager.language = "fr"
    team.manager.save()

    response = _post(client, team, "motives", {"motives": ["q1_new_markets", "q1_exchange",
                                                           "q1_new_knowhow"]})

    assert response.context["step"].form.errors["q_motives"] == ["Choisissez au plus 2 réponses."]


def test_rows_are_stored_and_a_row_without_its_required_column_is_refused(client, team):
    rows = [{"actor": "Board", "region": "Baltics", "year": "2023", "kind": "b2b_meeting"},
            {"actor": "", "region": "Asia", "year": "2024", "kind": ""}]

    response = _post(client, team, "experience", {"past_activities": rows,
                                                  "intl_partner_count": "4"})

    assert response.status_code == 200
    formset = response.context["step"].rows_formsets["past_activities"]
    assert formset.errors[1] == {"actor": ["This field is required in a row."]}
    assert _stored(team, "intl_partner_count") == 4
    assert _stored(team, "past_activities") is None

    rows[1]["actor"] = "Member SMEs"
    response = _post(client, team, "experience", {"past_activities": rows})
    assert response.status_code == 302
    assert _stored(team, "past_activities") == [
        {"actor": "Board", "region": "Baltics", "year": 2023, "kind": "b2b_meeting"},
        {"actor": "Member SMEs", "region": "Asia", "year": 2024},
    ]


@pytest.mark.parametrize("year", ["1800", "-5", HUGE, "\x00"])
def test_rows_with_bad_numbers_are_refused(client, team, year):
    rows = [{"actor": "Board", "year": year}]

    response = _post(client, team, "experience", {"past_activities": rows})

    assert response.status_code == 200
    assert response.context["step"].rows_formsets["past_activities"].errors[0]["year"]


@pytest.mark.parametrize("total", ["5000", "-1", "abc", HUGE])
def test_a_forged_rows_management_form_is_refused_without_a_server_error(client, team, total):
    response = _post(client, team, "experience", {"past_activities": []},
                     **{"q_past_activities-TOTAL_FORMS": total})

    assert response.status_code in (200, 302)
    assert _stored(team, "past_activities") is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("companies", "-3", "greater than or equal to 0"),
        ("smes", "999", "more SMEs than member companies"),
        ("year_founded", "1200", "greater than or equal to 1900"),
        ("name", HUGE, "at most 200 characters"),
        ("country", "ZZ", "Select a valid choice"),
        ("management_fte", "1e9", "Ensure that there are no more than 6 digits"),
    ],
)
def test_profile_step_validates_every_field(client, team, field, value, message):
    client.force_login(team.manager)
    url = reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, "profile"])
    data = {**client.get(url).context["step"].form.initial, field: value, "_action": "next"}
    data = {k: v for k, v in data.items() if v is not None}

    response = client.post(url, data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["step"].form.errors[field])
    team.cluster.refresh_from_db()
    assert str(getattr(team.cluster, field)) != value


def test_profile_step_saves_the_valid_fields(client, team):
    client.force_login(team.manager)
    url = reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, "profile"])
    data = {**client.get(url).context["step"].form.initial, "region": "Saxony",
            "year_founded": "1200"}
    data = {k: v for k, v in data.items() if v is not None}

    client.post(url, data)

    team.cluster.refresh_from_db()
    assert team.cluster.region == "Saxony"
    assert team.cluster.year_founded == 2010


def test_every_question_kind_is_in_the_questionnaire(team):
    kinds = set(Question.objects.filter(section__version=team.diagnostic.version)
                .values_list("kind", flat=True))

    assert kinds == {"single", "multiple", "number", "percent", "text", "countries", "rows"}


QUESTIONNAIRE_TABLES = ('FROM "diagnostic_section"', 'FROM "diagnostic_question"',
                        'FROM "diagnostic_option"')


def _step_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in context.captured_queries]


def test_the_process_keeps_the_questionnaire_and_shows_every_change_of_it(client, team):
    """A step reads the questionnaire once per process (steps.load_sections), yet a
    section, question or option changed since is on the next page."""
    client.force_login(team.manager)
    url = reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, "motives"])
    _step_queries(client, url)
    assert not [sql for sql in _step_queries(client, url)
                if any(table in sql for table in QUESTIONNAIRE_TABLES)]

    version = team.diagnostic.version
    section = Section.objects.get(version=version, key="motives")
    section.title_texts = {**section.title_texts, "en": "Motives, reworded"}
    section.save()
    question = Question.objects.get(section=section, key="main_objectives")
    question.label_texts = {**question.label_texts, "en": "Main objectives, reworded"}
    question.save()
    option = Option.objects.filter(question__section=section, question__key="motives").first()
    option.label_texts = {**option.label_texts, "en": "An option, reworded"}
    option.save()

    page = client.get(url).content.decode()
    assert "Motives, reworded" in page
    assert "Main objectives, reworded" in page
    assert "An option, reworded" in page
    option.delete()
    assert "An option, reworded" not in client.get(url).content.decode()
