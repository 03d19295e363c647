"""Who reviews the plan (issue 15, part 1): asking for a facilitator on registration and on
the cluster page, the administrator's one-step assignment, the emails in each person's
language."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostic import services
from diagnostic.models import FacilitationOffer, FacilitationRequest
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, FacilitatorFactory, UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def offer():
    return FacilitationOffer.objects.create(name_texts={"en": "Nordic programme",
                                                        "fr": "Programme nordique"},
                                            countries=["SE"],
                                            sectors=["ict"])


@pytest.fixture
def admin_user():
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True,
                       language="fr")


def test_registration_with_an_offer_asks_for_a_facilitator_and_tells_administrators(
        client, offer, admin_user, django_capture_on_commit_callbacks):
    manager = UserFactory()
    client.force_login(manager)
    profile = ClusterFactory.build()
    data = {f: getattr(profile, f) for f in PROFILE_FIELDS if getattr(profile, f) is not None}
    data["country"] = "SE"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnostic:cluster_create"),
                               {**data, "facilitation-offer": offer.pk})
    assert response.status_code == 302
    request = FacilitationRequest.objects.get()
    assert (request.status, request.offer, request.requested_by) == ("pending", offer, manager)
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert mail.outbox[0].subject == f"{request.cluster.name} demande un facilitateur"  # fr


def test_registration_without_facilitator_records_the_choice_and_emails_nobody(
        client, offer, admin_user, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    profile = ClusterFactory.build()
    data = {f: getattr(profile, f) for f in PROFILE_FIELDS if getattr(profile, f) is not None}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("diagnostic:cluster_create"), {**data, "facilitation-offer": ""})
    assert FacilitationRequest.objects.get().status == "none"
    assert mail.outbox == []


def test_an_unknown_offer_is_a_message_next_to_the_field(client, offer):
    client.force_login(UserFactory())
    profile = ClusterFactory.build()
    data = {f: getattr(profile, f) for f in PROFILE_FIELDS if getattr(profile, f) is not None}
    response = client.post(reverse("diagnostic:cluster_create"),
                           {**data, "facilitation-offer": "999999"})
    assert response.status_code == 200
    assert response.context["facilitation_form"].errors["offer"]
    assert not FacilitationRequest.objects.exists()


def test_asking_again_replaces_the_pending_request(team, offer):
    services.facilitation_request(cluster=team.cluster, user=team.manager, offer=offer)
    services.facilitation_request(cluster=team.cluster, user=team.manager, offer=offer)
    assert FacilitationRequest.objects.filter(cluster=team.cluster, status="pending").count() == 1


def test_only_the_manager_asks_from_the_cluster_page(client, team, offer):
    url = reverse("diagnostic:cluster_facilitation", args=[team.cluster.pk])
    client.force_login(team.member)
    assert client.post(url, {"facilitation-offer": offer.pk}).status_code == 404
    client.force_login(team.manager)
    response = client.post(url, {"facilitation-offer": offer.pk})
    assert response.status_code == 302
    assert FacilitationRequest.objects.get(cluster=team.cluster).status == "pending"
    page = client.get(team.cluster.get_absolute_url()).content.decode()
    assert "You asked for a facilitator of “Nordic programme”" in page


def test_assigning_follows_the_cluster_and_emails_each_person_in_their_language(
        team, offer, admin_user, django_capture_on_commit_callbacks):
    services.facilitation_request(cluster=team.cluster, user=team.manager, offer=offer)
    facilitator = FacilitatorFactory(language="fr")
    team.manager.language = "en"
    team.manager.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.facilitator_assign(cluster=team.cluster, facilitator=facilitator,
                                              by=admin_user)
    assert (request.status, request.facilitator, request.decided_by) == (
        "assigned", facilitator, admin_user)
    assert list(team.cluster.facilitators.all()) == [facilitator]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[facilitator.email] == f"Vous suivez désormais {team.cluster.name}"
    assert subjects[team.manager.email] == f"A facilitator for {team.cluster.name}"
    assert team.member.email in subjects


def test_only_facilitators_can_be_assigned(team, admin_user):
    with pytest.raises(ValidationError):
        services.facilitator_assign(cluster=team.cluster, facilitator=UserFactory(),
                                    by=admin_user)
    assert not team.cluster.facilitators.exists()


def test_the_admin_assigns_in_one_step(client, team, offer, admin_user,
                                       django_capture_on_commit_callbacks):
    request = services.facilitation_request(cluster=team.cluster, user=team.manager, offer=offer)
    facilitator = FacilitatorFactory()
    client.force_login(admin_user)
    url = reverse("admin:diagnostic_facilitationrequest_change", args=[request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"cluster": team.cluster.pk, "facilitator": facilitator.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.facilitator) == ("assigned", facilitator)
    assert facilitator.email in {m.to[0] for m in mail.outbox}


def test_the_admin_lists_clusters_without_facilitator(client, team, admin_user):
    followed = ClusterFactory(name="Followed")
    followed.facilitators.add(FacilitatorFactory())
    client.force_login(admin_user)
    response = client.get(reverse("admin:diagnostic_cluster_changelist"),
                          {"has_facilitator": "no"})
    names = [c.name for c in response.context["cl"].result_list]
    assert team.cluster.name in names and "Followed" not in names
