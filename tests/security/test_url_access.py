"""The access matrix, built from the URL configuration: every URL that names an object,
tried with every method by everyone who must not reach it, answers 404 and changes no row.

One answer besides 404 counts as a refusal: 405 for a method the route never accepts
(a POST-only URL asked with GET), because it is given before any object is looked up, to
everyone and for ids that do not exist alike, so it tells nothing about the object. The
matrix checks that: the same request for a missing object must get the same 405.

A URL that the registry below does not know fails the suite: add it here, saying which
object of the `world` fixture (tests/security/conftest.py) its parameters name.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory, api_token

from .conftest import METHODS, changed_tables, object_routes, table_checksums

pytestmark = pytest.mark.django_db

# The made-up secret of capability URLs (an invitation or a password reset link).
FORGED = "forged-0000000000000000000000000000000000000"


def _plan(w):
    return {"pk": w.plan.pk}


def _action(w):
    return {"pk": w.plan.pk, "action_pk": w.action.pk}


def _member(w):
    return {"pk": w.cluster.pk, "membership_pk": w.membership.pk}


# URL name -> how to build its parameters from the world. Every one names an object of the
# team's cluster; every outsider must get 404 from every method.
OBJECT_URLS = {
    "diagnostic:cluster_detail": lambda w: {"pk": w.cluster.pk},
    "diagnostic:cluster_invite": lambda w: {"pk": w.cluster.pk},
    "diagnostic:cluster_facilitation": lambda w: {"pk": w.cluster.pk},
    "diagnostic:cluster_delete": lambda w: {"pk": w.cluster.pk},
    "diagnostic:invitation_revoke": lambda w: {"pk": w.cluster.pk,
                                               "invitation_pk": w.invitation.pk},
    "diagnostic:member_remove": _member,
    "diagnostic:member_make_manager": _member,
    "diagnostic:diagnostic_start": lambda w: {"pk": w.cluster.pk},
    "diagnostic:diagnostic_detail": lambda w: {"pk": w.draft.pk},
    "diagnostic:diagnostic_review": lambda w: {"pk": w.draft.pk},
    "diagnostic:diagnostic_submit": lambda w: {"pk": w.draft.pk},
    "diagnostic:diagnostic_step": lambda w: {"pk": w.draft.pk, "section_key": "motives"},
    "diagnostic:diagnostic_autosave": lambda w: {"pk": w.draft.pk, "section_key": "motives"},
    "plans:strategy": lambda w: {"pk": w.submitted.pk},
    "plans:create": lambda w: {"pk": w.submitted.pk},
    "plans:shortlist": lambda w: {"pk": w.submitted.pk},
    "plans:detail": _plan,
    "plans:edit": _plan,
    "plans:agenda": _plan,
    "plans:history": _plan,
    "plans:transition": _plan,
    "plans:comment": _plan,
    "plans:action_add": _plan,
    "plans:action_edit": _action,
    "plans:action_delete": _action,
    "plans:action_move": _action,
    "plans:pdf_request": _plan,
    "plans:pdf_status": _plan,
    "plans:pdf_download": _plan,
    "benchmark:diagnostic_results": lambda w: {"pk": w.submitted.pk},
    "benchmark:diagnostic_consent": lambda w: {"pk": w.submitted.pk},
    "benchmark:cluster_runs": lambda w: {"pk": w.cluster.pk},
    "benchmark:diagnostic_rescore": lambda w: {"pk": w.submitted.pk},
    "partners:prepare": lambda w: {"pk": w.cluster.pk},
    "partners:edit": lambda w: {"pk": w.cluster.pk},
    "partners:preview": lambda w: {"pk": w.cluster.pk},
    "partners:publish": lambda w: {"pk": w.cluster.pk},
    "partners:withdraw": lambda w: {"pk": w.cluster.pk},
    "partners:matches": lambda w: {"pk": w.cluster.pk},
    "partners:interest_express": lambda w: {"pk": w.cluster.pk, "other": w.partner.pk},
    "partners:block": lambda w: {"pk": w.cluster.pk, "other": w.partner.pk},
    "partners:report": lambda w: {"pk": w.cluster.pk, "other": w.partner.pk},
    "partners:interest": lambda w: {"pk": w.interest.pk},
    "partners:interest_decide": lambda w: {"pk": w.interest.pk},
    "partners:introduction_request": lambda w: {"pk": w.interest.pk},
    "partners:interest_to_action": lambda w: {"pk": w.interest.pk},
    "partners:introduction_note": lambda w: {"pk": w.interest.pk,
                                             "intro_pk": w.introduction.pk},
    # The published profile of the cluster: what it chose to show, to those who may browse.
    "partners:profile": lambda w: {"pk": w.cluster.pk},
    # The read-only API (by session here; by token in test_api_routes_by_token_…).
    "api:cluster-detail": lambda w: {"pk": w.cluster.pk},
    "api:run-detail": lambda w: {"pk": w.submitted.pk},
    "api:run-answers": lambda w: {"pk": w.submitted.pk},
    "api:plan-detail": _plan,
    "api:run_answers_csv": lambda w: {"pk": w.submitted.pk},
    "api:run_answers_xlsx": lambda w: {"pk": w.submitted.pk},
    "api:run_json": lambda w: {"pk": w.submitted.pk},
    # The manager's own API token: nobody else revokes it.
    "api:token_revoke": lambda w: {"pk": w.token.pk},
}

API_URLS = ["api:cluster-detail", "api:plan-detail", "api:run-answers", "api:run-detail"]

# URLs of what a cluster published for the partner search: facilitators browse them (an
# outside facilitator may read them, never change anything); everybody else in the matrix
# (anonymous, the manager of a cluster without a published profile) gets 404.
PUBLISHED_URLS = {"partners:profile"}

# Capability URLs: the unguessable secret in the URL is what grants access (the link of an
# invitation email, of a password reset email). The matrix tries a forged secret for an
# existing object: it must be refused like an object that does not exist, changing nothing.
# Anonymous visitors of the invitation link are sent to log in first (the invitee has to):
# that redirect is the same for any token, so it tells nothing. A logged-in visitor with
# the genuine link of someone else's invitation is checked in
# test_an_invitation_link_does_nothing_for_another_account.
CAPABILITY_URLS = {
    "diagnostic:invitation_accept": lambda w: {"token": FORGED},
    "password_reset_confirm": lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(w.manager.pk)), "token": "set-password"},
}

REGISTRY = {**OBJECT_URLS, **CAPABILITY_URLS}
ROUTES = {route.name: route for route in object_routes()}


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client, method, url):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, {"email": "intruder@example.org", "body": "intrusion",
                                 "_questions": "main_objectives", "q_main_objectives": "x"})
    return getattr(client, method)(url, data="", content_type="application/x-www-form-urlencoded")


MISSING_ID = 2_000_000_000


def _missing(kwargs: dict) -> dict:
    """The same parameters naming objects that do not exist."""
    return {k: MISSING_ID if isinstance(v, int) else v for k, v in kwargs.items()}


def _refused(name, role, response, missing_response=None) -> bool:
    if response.status_code == 404:
        return True
    if name in PUBLISHED_URLS and role == "outsider facilitator":
        return response.status_code in (200, 405)
    if response.status_code == 405 and missing_response is not None:
        return (missing_response.status_code == 405
                and missing_response["Allow"] == response["Allow"])
    if name == "diagnostic:invitation_accept" and role == "anonymous":
        return response.status_code == 302 and response.url.startswith(reverse("login"))
    if name == "password_reset_confirm":
        # Django's own view: a link that does not check out shows "invalid link" (200), or
        # refuses the methods it does not know (405).
        return response.status_code == 405 or (
            response.status_code == 200 and response.context["validlink"] is False)
    return False


def test_every_url_that_names_an_object_is_in_the_access_matrix():
    unknown = sorted(set(ROUTES) - set(REGISTRY))

    assert not unknown, (f"new URL: add it to the access matrix in {__name__}: "
                         + ", ".join(f"{n} ({ROUTES[n].route})" for n in unknown))


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n in REGISTRY))
def test_outsiders_get_404_and_change_nothing(name, world):
    kwargs = REGISTRY[name](world)
    url, missing_url = reverse(name, kwargs=kwargs), reverse(name, kwargs=_missing(kwargs))
    failures = []
    for role, user in world.outsiders.items():
        client = _client(user)
        for method in METHODS:
            before = table_checksums()
            try:
                response = _send(client, method, url)
            except Exception as error:
                failures.append(f"{role} {method.upper()}: raised {error!r}")
                continue
            changed = changed_tables(before, table_checksums())
            missing = _send(client, method, missing_url) if response.status_code == 405 else None
            if not _refused(name, role, response, missing):
                failures.append(f"{role} {method.upper()}: {response.status_code}")
            if changed:
                failures.append(f"{role} {method.upper()}: changed {changed}")

    assert not failures, f"{url}: " + "; ".join(failures)


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n in OBJECT_URLS))
def test_the_team_reaches_every_url_of_the_matrix(name, world):
    """The matrix's parameters name real objects: the team's manager (or, for what only a
    facilitator does, the following facilitator) is not answered 404 by GET or POST."""
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    statuses = {}
    for who in (world.manager, world.follower):
        client = _client(who)
        statuses[who.email] = [_send(client, m, url).status_code for m in ("get", "post")]

    assert any(s != 404 for codes in statuses.values() for s in codes), statuses


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if "action_pk" in ROUTES[n].kwargs))
def test_an_action_is_not_reached_through_another_plan(name, world, other_plan):
    """The other cluster's manager names their own plan and this cluster's action."""
    client = _client(other_plan.created_by)
    url = reverse(name, kwargs={"pk": other_plan.pk, "action_pk": world.action.pk})
    before = table_checksums()

    missing_url = reverse(name, kwargs={"pk": MISSING_ID, "action_pk": MISSING_ID})
    refused = {m: _refused(name, "other manager", _send(client, m, url),
                           _send(client, m, missing_url)) for m in METHODS}

    assert all(refused.values()), refused
    assert changed_tables(before, table_checksums()) == []


@pytest.mark.parametrize(("name", "param"), [
    ("diagnostic:invitation_revoke", "invitation_pk"),
    ("diagnostic:member_remove", "membership_pk"),
    ("diagnostic:member_make_manager", "membership_pk"),
])
def test_a_team_object_is_not_reached_through_another_cluster(name, param, world):
    """The other cluster's manager names their own cluster and this cluster's invitation or
    membership."""
    client = _client(world.other.manager)
    target = world.invitation.pk if param == "invitation_pk" else world.membership.pk
    url = reverse(name, kwargs={"pk": world.other.cluster.pk, param: target})
    before = table_checksums()

    statuses = {m: _send(client, m, url).status_code for m in METHODS}

    assert statuses == {"get": 405, "post": 404, "put": 405, "patch": 405, "delete": 405}
    assert changed_tables(before, table_checksums()) == []


@pytest.mark.parametrize("role", ["other manager", "outsider facilitator"])
def test_an_invitation_link_does_nothing_for_another_account(world, role):
    """Whoever holds someone else's link learns neither the cluster nor the invited address:
    only that they should log in as the invitee."""
    someone = world.outsiders[role]
    client = _client(someone)
    url = world.invitation.get_absolute_url()
    before = table_checksums()

    page = client.get(url)
    post = client.post(url)

    for response in (page, post):
        assert response.status_code == 200 and response.context["wrong_account"] is True
        assert world.cluster.name not in response.text
        assert world.invitation.email not in response.text
    assert changed_tables(before, table_checksums()) == []
    assert not world.cluster.memberships.filter(user=someone).exists()


def test_an_invitation_link_shows_the_cluster_to_the_invitee_whatever_the_case(world):
    invitee = UserFactory(email="Invitee@Example.org")
    page = _client(invitee).get(world.invitation.get_absolute_url())

    assert page.context["wrong_account"] is False
    assert world.cluster.name in page.text


def test_a_genuine_password_reset_link_is_not_reached_with_a_forged_token(world):
    """The forged-token row of the matrix is not vacuous: the genuine link works."""
    uid = urlsafe_base64_encode(force_bytes(world.manager.pk))
    token = default_token_generator.make_token(world.manager)

    response = Client().get(reverse("password_reset_confirm", args=[uid, token]), follow=True)

    assert response.context["validlink"] is True


@pytest.mark.parametrize("name", API_URLS)
def test_api_routes_by_token_answer_outsiders_404_and_change_nothing(name, world):
    """The same matrix for a program holding an outsider's personal token."""
    kwargs = OBJECT_URLS[name](world)
    url, missing_url = reverse(name, kwargs=kwargs), reverse(name, kwargs=_missing(kwargs))
    failures = []
    for role, user in world.outsiders.items():
        if user is None:
            continue
        _token, secret = api_token(user)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.get(reverse("api:cluster-list"))  # the token's first use is recorded once
        before = table_checksums()
        for method in METHODS:
            response = _send(client, method, url)
            missing = _send(client, method, missing_url) if response.status_code == 405 else None
            if not _refused(name, role, response, missing):
                failures.append(f"{role} {method.upper()}: {response.status_code}")
        if changed := changed_tables(before, table_checksums()):
            failures.append(f"{role}: changed {changed}")

    assert not failures, f"{url}: " + "; ".join(failures)
