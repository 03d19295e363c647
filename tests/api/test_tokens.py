import hashlib

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.factories import UserFactory, api_token

pytestmark = [pytest.mark.django_db]


def test_a_token_is_created_on_the_profile_page_shown_once_and_stored_hashed(client):
    user = UserFactory()
    client.force_login(user)

    page = client.post(reverse("api:token_create"), {"name": "Regional dashboard"})

    secret = page.context["secret"]
    token = ApiToken.objects.get(user=user)
    assert secret.startswith(f"cdt_{token.prefix}_")
    assert token.name == "Regional dashboard"
    assert token.hashed == hashlib.sha256(secret.split("_", 2)[2].encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    profile = client.get(reverse("profile")).content.decode()
    assert "Regional dashboard" in profile and secret not in profile


def test_a_token_without_a_name_is_refused_with_a_message(client):
    client.force_login(UserFactory())

    page = client.post(reverse("api:token_create"), {"name": "  "})

    assert page.status_code == 200 and page.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_it_stops_working(client):
    user = UserFactory()
    token, secret = api_token(user)
    client.force_login(user)
    assert client.get(reverse("api:cluster-list"),
                      HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    client.post(reverse("api:token_revoke", args=[token.pk]))
    client.logout()
    refused = client.get(reverse("api:cluster-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert refused.status_code == 401
    assert refused.json() == {"message": "This token is not valid.", "status": 401}


def test_nobody_revokes_someone_elses_token(client):
    token, _secret = api_token(UserFactory())
    client.force_login(UserFactory())

    response = client.post(reverse("api:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("header", [
    "Bearer cdt_", "Bearer cdt_abc", "Bearer cdt_zzzzzzzzzzzz_wrong", "Bearer nope",
    "Bearer a b", "Token cdt_%%%_x",
])
def test_a_wrong_token_is_a_json_401(client, header):
    api_token(UserFactory())

    response = client.get(reverse("api:cluster-list"), HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["message"]


def test_a_right_prefix_with_a_wrong_secret_is_refused(client):
    token, _secret = api_token(UserFactory())
    forged = f"cdt_{token.prefix}_{'x' * 43}"

    response = client.get(reverse("api:cluster-list"), HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert response.status_code == 401
