"""Who may see and change a cluster's diagnostic: the whole matrix, on every URL."""

import pytest
from django.urls import reverse

from diagnostic.models import Answer, Diagnostic, Invitation, Membership
from tests.factories import ClusterFactory, FacilitatorFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db]

READ = "read"  # the page answers (200, or a redirect to a readable page)
DENIED = 404

# (url name, method, expected for: owner, member, facilitator following)
URLS = [
    ("cluster_detail", "get", (200, 200, 200)),
    ("cluster_invite", "post", (302, DENIED, DENIED)),
    ("diagnostic_start", "post", (302, 302, DENIED)),
    ("diagnostic_detail", "get", (302, 302, 302)),
    ("diagnostic_review", "get", (200, 200, 200)),
    ("diagnostic_submit", "post", (302, 302, DENIED)),
    ("diagnostic_step", "get", (200, 200, 200)),
    ("diagnostic_step", "post", (302, 302, DENIED)),
    ("diagnostic_autosave", "post", (200, 200, DENIED)),
]


def _args(name, team):
    if name.startswith("cluster") or name == "diagnostic_start":
        return [team.cluster.pk]
    if name in ("diagnostic_step", "diagnostic_autosave"):
        return [team.diagnostic.pk, "motives"]
    return [team.diagnostic.pk]


def _data(name):
    return {"cluster_invite": {"email": "colleague@example.org"},
            "diagnostic_autosave": {"_questions": "main_objectives", "q_main_objectives": "x"},
            "diagnostic_step": {"q_main_objectives": "y"}}.get(name, {})


def _snapshot():
    return (list(Answer.objects.values_list("id", "value")), Diagnostic.objects.count(),
            Membership.objects.count(), Invitation.objects.count())


@pytest.fixture
def people(team):
    follower = FacilitatorFactory()
    team.cluster.facilitators.add(follower)
    other = MembershipFactory(cluster=ClusterFactory()).user
    return {"owner": team.manager, "member": team.member, "facilitator": follower,
            "other manager": other, "other facilitator": FacilitatorFactory(),
            "other user": UserFactory(), "anonymous": None}


@pytest.mark.parametrize(("name", "method", "expected"), URLS,
                         ids=[f"{n}-{m}" for n, m, _ in URLS])
@pytest.mark.parametrize("role", ["owner", "member", "facilitator", "other manager",
                                  "other facilitator", "other user", "anonymous"])
def test_access_matrix(client, team, people, name, method, expected, role):
    if people[role] is not None:
        client.force_login(people[role])
    allowed = dict(zip(["owner", "member", "facilitator"], expected, strict=True))
    before = _snapshot()

    url = reverse(f"diagnostic:{name}", args=_args(name, team))
    response = getattr(client, method)(url, _data(name))

    assert response.status_code == allowed.get(role, DENIED)
    if response.status_code == DENIED:
        assert _snapshot() == before


def test_a_facilitator_reads_the_step_but_its_fields_are_disabled(client, team, people):
    client.force_login(people["facilitator"])

    response = client.get(reverse("diagnostic:diagnostic_step",
                                  args=[team.diagnostic.pk, "motives"]))

    assert response.context["can_edit"] is False
    assert all(f.disabled for f in response.context["step"].form.fields.values())
    assert "data-autosave-url" not in response.text


def test_an_unknown_section_or_diagnostic_is_a_404(client, team):
    client.force_login(team.manager)

    assert client.get(reverse("diagnostic:diagnostic_step",
                              args=[team.diagnostic.pk, "nope"])).status_code == 404
    assert client.get(reverse("diagnostic:diagnostic_review",
                              args=[999_999])).status_code == 404


def test_an_unknown_invitation_token_is_a_404(client, user):
    client.force_login(user)

    assert client.get(reverse("diagnostic:invitation_accept", args=["x" * 40])).status_code == 404


def test_home_lists_only_the_users_clusters(client, team, people):
    client.force_login(people["other manager"])

    response = client.get("/")

    assert team.cluster not in response.context["clusters"]
    assert len(response.context["clusters"]) == 1
