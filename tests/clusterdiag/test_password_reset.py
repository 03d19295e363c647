import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def _ask(client, email, ip="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_a_reset_link_is_sent_to_an_existing_account(client):
    UserFactory(email="anna@example.org")

    response = _ask(client, "anna@example.org")

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client):
    UserFactory(email="anna@example.org")

    known, unknown = _ask(client, "anna@example.org"), _ask(client, "nobody@example.org")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1


def test_an_address_gets_three_links_an_hour_whatever_the_ip(client, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "3/h"
    UserFactory(email="anna@example.org")

    answers = [_ask(client, "Anna@example.org", ip=f"203.0.113.{i}") for i in range(5)]

    assert [(a.status_code, a.url) for a in answers] == [(302, reverse("password_reset_done"))] * 5
    assert len(mail.outbox) == 3


def test_an_ip_gets_its_share_whatever_the_addresses(client, settings):
    settings.PASSWORD_RESET_RATE_PER_IP = "4/h"
    for i in range(6):
        UserFactory(email=f"user{i}@example.org")

    answers = [_ask(client, f"user{i}@example.org") for i in range(6)]

    assert {a.status_code for a in answers} == {302}
    assert len(mail.outbox) == 4
    _ask(client, "user5@example.org", ip="198.51.100.9")  # another client is not held back
    assert mail.outbox[-1].to == ["user5@example.org"]


def test_a_throttled_unknown_address_looks_like_any_other(client, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "1/h"

    first, throttled = _ask(client, "nobody@example.org"), _ask(client, "nobody@example.org")

    assert (first.status_code, first.url) == (throttled.status_code, throttled.url)
    assert mail.outbox == []
