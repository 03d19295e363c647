import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from benchmark import charts
from plans import review as plan_review
from tests.factories import FacilitatorFactory, UserFactory, plan_for, submitted_diagnostic

pytestmark = [pytest.mark.django_db]


def test_home_answers_in_english_by_default(client):
    response = client.get(reverse("home"))

    assert response.headers["Content-Language"] == "en"
    assert "Take your cluster international, with a plan" in response.text


def test_home_answers_in_french_for_a_french_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert response.headers["Content-Language"] == "fr"
    assert "Internationalisez votre cluster, avec un plan" in response.text


def test_language_switch_sets_the_cookie_for_a_visitor(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert response.cookies["django_language"].value == "fr"
    assert "Internationalisez votre cluster" in client.get("/").text


def test_language_choice_is_kept_for_the_user_on_another_device(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"

    other_device = client.__class__()
    other_device.force_login(user)
    response = other_device.get("/")

    assert response.headers["Content-Language"] == "fr"
    assert response.cookies["django_language"].value == "fr"


def test_an_unknown_language_is_ignored(client, user):
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "xx\x00", "next": "/"})

    user.refresh_from_db()
    assert user.language == ""
    assert client.get("/").headers["Content-Language"] == "en"


# --- German, the third language -----------------------------------------------------------


def _german(user):
    user.language = "de"
    user.save()
    return user


def test_home_answers_in_german_for_a_german_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "de-DE,de;q=0.9"})

    assert response.headers["Content-Language"] == "de"
    assert "Internationalisieren Sie Ihren Cluster – mit einem Plan" in response.text


def test_the_language_switch_offers_every_language_of_the_site(client):
    response = client.get(reverse("home"))

    for code in ("en", "fr", "de"):
        assert f'name="language" value="{code}"' in response.text
    assert ">Deutsch<" in response.text
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Internationalisieren Sie Ihren Cluster" in client.get("/").text


def test_a_questionnaire_step_in_german(client, team):
    client.force_login(_german(team.manager))
    response = client.get(reverse("diagnostic:diagnostic_step",
                                  args=[team.diagnostic.pk, "motives"]))

    assert response.status_code == 200
    assert 'lang="de"' in response.text
    assert "Speichern und weiter" in response.text


def test_results_in_german(client, team):
    diagnostic = submitted_diagnostic(team)
    client.force_login(_german(team.manager))

    response = client.get(reverse("benchmark:diagnostic_results", args=[diagnostic.pk]))

    text = html.unescape(response.text)
    assert "Internationalisierungsindex" in text
    # the peer filter's countries, named in German as well
    assert ">Österreich<" in text and ">Austria<" not in text


def test_the_plan_in_german_with_german_dates(client, team):
    plan = plan_for(team, start_date=datetime.date(2027, 3, 1))
    client.force_login(_german(team.member))

    page = html.unescape(client.get(reverse("plans:detail", args=[plan.pk])).text)
    agenda = client.get(reverse("plans:agenda", args=[plan.pk]))

    assert "Aktionsplan" in page and "Maßnahme" in page
    assert "1. März 2027" in page
    assert "March" not in page
    ticks = agenda.context["figure"]["layout"]["xaxis"]["ticktext"]
    assert "März 2027" in ticks
    hovers = [v for t in agenda.context["figure"]["data"] for v in t["customdata"] if v]
    assert hovers and all("2027" in v or "2028" in v or "2029" in v for v in hovers)
    assert not any(month in v for v in hovers for month in ("January", "March", "May"))


def test_a_review_email_in_the_facilitators_language(team, django_capture_on_commit_callbacks):
    plan = plan_for(team)
    facilitator = _german(FacilitatorFactory())
    team.cluster.facilitators.add(facilitator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        plan_review.plan_transition(plan=plan, user=team.member, to_status="submitted")

    german = next(m for m in mail.outbox if m.to == [facilitator.email])
    english = next(m for m in mail.outbox if m.to == [team.manager.email])
    assert german.subject == f"Aktionsplan von {team.cluster.name}: zur Prüfung eingereicht"
    assert german.body.startswith("Guten Tag,")
    assert english.subject.startswith("Action plan of")


@pytest.mark.parametrize(("language", "separators"), [("en", ".,"), ("de", ",."),
                                                      ("fr", ",\xa0")])
def test_charts_write_numbers_as_the_reader_does(language, separators):
    with translation.override(language):
        figure = charts.radar_chart(labels=["a", "b", "c"], own=[12.5, 50, 80],
                                    peer_median=None, own_name="x", peer_name="y")

    assert figure["layout"]["separators"] == separators
