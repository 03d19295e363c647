"""The page cache (clusterdiag/pagecache.py): a kept page is served again only to its own
reader, with a CSRF token of the request's own, and never once anything was written."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterdiag import pagecache
from diagnostic.models import Membership
from plans.models import Action

from ..factories import UserFactory, plan_for

# Transactional: inside a test's transaction nothing is kept (the last test shows it).
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _plan_page(client, plan):
    return client.get(reverse("plans:detail", args=[plan.pk]))


def _without_tokens(content: bytes) -> str:
    return TOKEN.sub("", content.decode())


@pytest.fixture
def plan(reference_data, team):
    return plan_for(team)


@pytest.fixture
def nothing_written(monkeypatch):
    """The write generation held still. PostgreSQL's snapshot is the whole server's, so a
    test that needs a page served again from the cache cannot count on it staying the same
    while the other test process (or another database) writes; the tests of writes below
    use the real one."""
    monkeypatch.setattr(pagecache, "write_generation", lambda: "held still")


def test_a_kept_page_is_served_again_without_drawing_it(nothing_written, plan, team, client):
    client.force_login(team.manager)
    first = _plan_page(client, plan)
    with CaptureQueriesContext(connection) as queries:
        again = _plan_page(client, plan)

    assert again.status_code == 200
    assert _without_tokens(again.content) == _without_tokens(first.content)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "plans_action" not in tables  # the view did not run
    assert len(queries.captured_queries) <= 2  # the session and the user


def test_any_write_draws_the_page_anew_even_one_no_signal_sees(plan, team, client):
    client.force_login(team.manager)
    action = plan.actions.order_by("position").first()
    assert "Visit Osaka in spring" not in _plan_page(client, plan).content.decode()

    # A bare UPDATE, as services do for their optimistic locks: no model signal is sent.
    Action.objects.filter(pk=action.pk).update(title="Visit Osaka in spring")

    assert "Visit Osaka in spring" in _plan_page(client, plan).content.decode()


def test_a_kept_page_is_only_its_readers(nothing_written, plan, team, client):
    client.force_login(team.manager)
    assert team.manager.email in _plan_page(client, plan).content.decode()

    member = Client()
    member.force_login(team.member)
    page = _plan_page(member, plan).content.decode()
    assert team.member.email in page
    assert team.manager.email not in page.split("</nav>")[0]  # the header is the member's

    outsider = Client()
    outsider.force_login(UserFactory())
    assert _plan_page(outsider, plan).status_code == 404


def test_the_write_generation_moves_with_every_committed_write(plan):
    before = pagecache.write_generation()

    Action.objects.filter(plan=plan).update(title="Changed")

    assert pagecache.write_generation() != before


def test_a_reader_removed_from_the_team_gets_a_404_at_once(plan, team, client):
    client.force_login(team.member)
    assert _plan_page(client, plan).status_code == 200

    Membership.objects.filter(cluster=team.cluster, user=team.member).delete()

    assert _plan_page(client, plan).status_code == 404


def test_the_token_of_a_kept_page_is_the_readers_own_and_works(nothing_written, plan, team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.manager)
    _plan_page(client, plan)
    again = _plan_page(client, plan)
    tokens = set(TOKEN.findall(again.content.decode()))
    assert tokens and pagecache.CSRF_MARK not in again.content.decode()

    response = client.post(reverse("plans:comment", args=[plan.pk]),
                           {"body": "Seen on a kept page", "csrfmiddlewaretoken": tokens.pop()})

    assert response.status_code == 302
    assert plan.comments.filter(body="Seen on a kept page").exists()


def test_a_message_is_shown_once_and_never_kept(nothing_written, plan, team, client):
    client.force_login(team.manager)
    _plan_page(client, plan)  # kept before the message
    # An empty comment writes nothing, and comes back with an error message.
    client.post(reverse("plans:comment", args=[plan.pk]), {"body": ""})

    shown = _plan_page(client, plan).content.decode()
    again = _plan_page(client, plan).content.decode()

    assert "The comment was not posted" in shown
    assert "The comment was not posted" not in again


def test_each_language_has_its_own_page(nothing_written, plan, team, client):
    client.force_login(team.manager)
    english = client.get(reverse("plans:detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(reverse("plans:detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="fr")

    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()


@pytest.mark.django_db(transaction=False)
def test_inside_a_transaction_nothing_is_kept(team, client):
    client.force_login(team.manager)
    url = reverse("diagnostic:diagnostic_review", args=[team.diagnostic.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    assert pagecache.write_generation() is None
    assert any("diagnostic_answer" in q["sql"] for q in queries.captured_queries)
