import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from clusterdiag.models import FACILITATORS_GROUP, User
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db]

GOOD_PASSWORD = "Blue-Harbour-1987"


def _signup(client, **overrides):
    data = {"email": "new@example.org", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
            "first_name": "Nadia", "last_name": "Roux", **overrides}
    return client.post(reverse("signup"), data)


def test_signup_creates_a_cluster_manager_and_logs_in(client):
    response = _signup(client, email="New@Example.org")

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new@example.org"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_facilitator
    assert client.get(reverse("home")).context["user"] == user


def test_signup_refuses_a_duplicate_email_next_to_the_field(client):
    UserFactory(email="taken@example.org")

    response = _signup(client, email="TAKEN@example.org")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1


def test_signup_refuses_a_duplicate_email_in_french(client):
    UserFactory(email="taken@example.org")
    client.cookies["django_language"] = "fr"

    response = _signup(client, email="taken@example.org")

    assert "existe déjà" in response.context["form"].errors["email"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password1": "123", "password2": "123"}, "password2"),
        ({"password1": "password", "password2": "password"}, "password2"),
        ({"password2": "Another-Pass-2020"}, "password2"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a" * 10_000 + "@example.org"}, "email"),
        ({"email": "nul\x00byte@example.org"}, "email"),
        ({"first_name": "x" * 10_000}, "first_name"),
        ({"first_name": "bad\x00name"}, "first_name"),
    ],
)
def test_signup_bad_input_gets_a_message_next_to_the_field(client, overrides, field):
    response = _signup(client, **overrides)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 0


def test_signup_binary_body_is_answered_without_a_server_error(client):
    response = client.post(reverse("signup"), data=b"\xff\xfe\x00\x81" * 500,
                           content_type="application/x-www-form-urlencoded")

    # Not UTF-8: refused with a message before the form sees it (tests/security/test_fuzz.py).
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert User.objects.count() == 0


def test_login_with_email_and_logout(client):
    user = UserFactory(email="ada@example.org")

    response = client.post(reverse("login"), {"username": "ADA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user

    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.parametrize("password", ["wrong", "", "x" * 10_000, "\x00"])
def test_login_with_a_wrong_password_shows_a_message(client, password):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("login"), {"username": "ada@example.org", "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["user"].is_authenticated


def test_repeated_wrong_passwords_are_throttled_even_with_the_right_one_after(client, settings):
    UserFactory(email="ada@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ada@example.org", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_reset_by_email_sets_a_new_password(client):
    user = UserFactory(email="ada@example.org")

    client.post(reverse("password_reset"), {"email": "ada@example.org"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": GOOD_PASSWORD,
                                      "new_password2": GOOD_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client, user):
    client.force_login(user)

    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})

    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_with_the_old_password(client, user):
    client.force_login(user)

    client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})

    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_facilitators_group_exists_from_the_migration():
    assert Group.objects.filter(name=FACILITATORS_GROUP).exists()


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
