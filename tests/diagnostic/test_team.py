"""Invitations that expire and can be revoked, removing members, handing over the manager
role, deleting a cluster and deleting one's account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clusterdiag.models import User
from diagnostic.models import Cluster, Invitation, Membership
from tests.factories import PASSWORD, UserFactory, plan_for

pytestmark = [pytest.mark.django_db]


def _url(name, *args):
    return reverse(f"diagnostic:{name}", args=args)


def _membership(team, user):
    return Membership.objects.get(cluster=team.cluster, user=user)


# --- Invitations -------------------------------------------------------------------------

def test_an_invitation_expires_after_the_configured_days(client, team, settings):
    settings.INVITATION_EXPIRY_DAYS = 7
    invitee = UserFactory(email="late@example.org")
    invitation = team.cluster.invitations.create(email=invitee.email, invited_by=team.manager)
    client.force_login(invitee)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = client.get(invitation.get_absolute_url())
        post = client.post(invitation.get_absolute_url())

    assert invitation.state == Invitation.State.PENDING
    assert page.context["closed"] is True and "has expired" in page.text
    assert post.context["closed"] is True
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_is_still_good_on_its_last_day(client, team, settings):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitee = UserFactory(email="ontime@example.org")
    invitation = team.cluster.invitations.create(email=invitee.email, invited_by=team.manager)
    client.force_login(invitee)

    with time_machine.travel(timezone.now() + timedelta(days=2, hours=23)):
        client.post(invitation.get_absolute_url())

    assert Membership.objects.filter(user=invitee, cluster=team.cluster).exists()


def test_a_revoked_invitation_cannot_be_accepted(client, team):
    invitee = UserFactory(email="revoked@example.org")
    invitation = team.cluster.invitations.create(email=invitee.email, invited_by=team.manager)
    client.force_login(team.manager)

    response = client.post(_url("invitation_revoke", team.cluster.pk, invitation.pk), follow=True)
    client.force_login(invitee)
    page = client.post(invitation.get_absolute_url())

    assert "is revoked" in response.text
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    assert "was revoked" in page.text
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_member_cannot_revoke_invitations(client, team):
    invitation = team.cluster.invitations.create(email="x@example.org", invited_by=team.manager)
    client.force_login(team.member)

    response = client.post(_url("invitation_revoke", team.cluster.pk, invitation.pk))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_cluster_page_lists_invitations_with_their_state(client, team, settings):
    settings.INVITATION_EXPIRY_DAYS = 7
    cluster = team.cluster
    old = timezone.now() - timedelta(days=8)
    pending = cluster.invitations.create(email="pending@example.org")
    expired = cluster.invitations.create(email="expired@example.org")
    Invitation.objects.filter(pk=expired.pk).update(created_at=old)
    cluster.invitations.create(email="revoked@example.org", revoked_at=timezone.now())
    client.force_login(team.manager)

    response = client.get(_url("cluster_detail", cluster.pk))

    states = {i.email: i.state for i in response.context["invitations"]}
    assert states == {"pending@example.org": "pending", "expired@example.org": "expired",
                      "revoked@example.org": "revoked", "member@example.org": "accepted"}
    assert f"Revoke the invitation to {pending.email}" in response.text
    assert "Revoke the invitation to expired@example.org" not in response.text


def test_a_used_invitation_does_not_let_a_removed_member_back_in(client, team):
    invitation = team.cluster.invitations.get(email=team.member.email)
    _membership(team, team.member).delete()
    client.force_login(team.member)

    response = client.post(invitation.get_absolute_url())

    assert response.context["closed"] is True
    assert not Membership.objects.filter(user=team.member).exists()


# --- Removing members and handing over ------------------------------------------------------

def test_a_removed_member_loses_access_at_once(client, team):
    member_client = type(client)()
    member_client.force_login(team.member)
    step = _url("diagnostic_step", team.diagnostic.pk, "motives")
    assert member_client.get(step).status_code == 200
    client.force_login(team.manager)

    client.post(_url("member_remove", team.cluster.pk, _membership(team, team.member).pk))

    assert not Membership.objects.filter(user=team.member).exists()
    assert member_client.get(step).status_code == 404
    assert member_client.get(_url("cluster_detail", team.cluster.pk)).status_code == 404


def test_the_last_manager_cannot_be_removed(client, team):
    client.force_login(team.manager)

    response = client.post(
        _url("member_remove", team.cluster.pk, _membership(team, team.manager).pk), follow=True)

    assert "only manager" in response.text
    assert _membership(team, team.manager).role == "manager"


def test_a_member_cannot_remove_someone_else(client, team):
    client.force_login(team.member)

    response = client.post(
        _url("member_remove", team.cluster.pk, _membership(team, team.manager).pk))

    assert response.status_code == 404
    assert Membership.objects.filter(cluster=team.cluster).count() == 2


def test_a_member_may_leave_the_team(client, team):
    client.force_login(team.member)

    response = client.post(
        _url("member_remove", team.cluster.pk, _membership(team, team.member).pk))

    assert response.url == reverse("home")
    assert not Membership.objects.filter(user=team.member).exists()


def test_the_manager_hands_the_role_over_and_can_then_leave(client, team):
    client.force_login(team.manager)

    client.post(_url("member_make_manager", team.cluster.pk, _membership(team, team.member).pk))
    roles = dict(Membership.objects.filter(cluster=team.cluster)
                 .values_list("user__email", "role"))
    client.post(_url("member_remove", team.cluster.pk, _membership(team, team.manager).pk))

    assert roles == {"manager@example.org": "member", "member@example.org": "manager"}
    assert list(Membership.objects.filter(cluster=team.cluster)
                .values_list("user__email", "role")) == [("member@example.org", "manager")]


def test_a_member_cannot_take_the_manager_role(client, team):
    client.force_login(team.member)

    response = client.post(
        _url("member_make_manager", team.cluster.pk, _membership(team, team.member).pk))

    assert response.status_code == 404
    assert _membership(team, team.member).role == "member"


# --- Deleting a cluster and an account -----------------------------------------------------

def test_the_manager_deletes_the_cluster_after_confirming(client, team):
    plan_for(team)
    client.force_login(team.manager)
    url = _url("cluster_delete", team.cluster.pk)

    unconfirmed = client.post(url, {})
    confirmed = client.post(url, {"confirm": "on"})

    assert unconfirmed.status_code == 200 and unconfirmed.context["form"].errors["confirm"]
    assert confirmed.url == reverse("home")
    assert not Cluster.objects.filter(pk=team.cluster.pk).exists()


def test_a_member_cannot_delete_the_cluster(client, team):
    client.force_login(team.member)

    response = client.post(_url("cluster_delete", team.cluster.pk), {"confirm": "on"})

    assert response.status_code == 404
    assert Cluster.objects.filter(pk=team.cluster.pk).exists()


def test_a_sole_manager_is_told_what_to_do_before_deleting_the_account(client, team):
    client.force_login(team.manager)

    page = client.get(_url("account_delete"))
    post = client.post(_url("account_delete"), {"password": PASSWORD})

    assert [c.name for c in page.context["blocking"]] == [team.cluster.name]
    assert "hand the manager role to another team member" in page.text
    assert "only manager of" in post.text
    assert User.objects.filter(pk=team.manager.pk).exists()


def test_a_member_deletes_the_account_with_the_password(client, team):
    client.force_login(team.member)
    wrong = client.post(_url("account_delete"), {"password": "not-it"})

    right = client.post(_url("account_delete"), {"password": PASSWORD})

    assert wrong.context["form"].errors["password"] == ["This is not your password."]
    assert right.url == reverse("home")
    assert not User.objects.filter(email="member@example.org").exists()
    assert Membership.objects.filter(cluster=team.cluster).count() == 1
    assert client.get(reverse("profile")).status_code == 302  # logged out


def test_a_manager_who_handed_over_can_delete_the_account(client, team):
    client.force_login(team.manager)
    client.post(_url("member_make_manager", team.cluster.pk, _membership(team, team.member).pk))

    response = client.post(_url("account_delete"), {"password": PASSWORD})

    assert response.url == reverse("home")
    assert not User.objects.filter(email="manager@example.org").exists()
    assert Cluster.objects.filter(pk=team.cluster.pk).exists()


def test_the_profile_page_links_to_deleting_the_account(client, user):
    client.force_login(user)

    assert _url("account_delete") in client.get(reverse("profile")).text


def test_the_review_page_says_which_answer_each_change_link_changes(client, team):
    client.force_login(team.manager)

    response = client.get(_url("diagnostic_review", team.diagnostic.pk))

    link = re.search(r'<a href="([^"]+)" data-change="geographic_ambition">(.*?)</a>',
                     response.text)
    assert link.group(1).endswith("/steps/motives/#question-geographic_ambition")
    assert re.sub(r"<[^>]+>", "", link.group(2)).startswith("Change the answer to “")
