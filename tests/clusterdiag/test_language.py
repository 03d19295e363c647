import pytest
from django.urls import reverse

from tests.factories import UserFactory

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
