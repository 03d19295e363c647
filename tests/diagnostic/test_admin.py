import pytest
from django.urls import reverse

from tests.factories import ClusterFactory, FacilitatorFactory, answer_everything

pytestmark = [pytest.mark.django_db]

CHANGELISTS = ["cluster", "diagnostic", "answer", "invitation", "questionnaireversion",
               "section", "question"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_and_search_work_for_an_administrator(admin_client, team, model):
    answer_everything(team.diagnostic, team.manager)

    response = admin_client.get(reverse(f"admin:diagnostic_{model}_changelist"), {"q": "a"})

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_diagnostic_changelist_filters_by_country_sector_governance_and_status(admin_client,
                                                                               team):
    url = reverse("admin:diagnostic_diagnostic_changelist")
    filters = {"cluster__country": "DE", "cluster__sector": "ict",
               "cluster__governance": "bottom_up", "status__exact": "draft"}

    assert admin_client.get(url, filters).context["cl"].result_count == 1
    assert admin_client.get(url, {**filters, "cluster__country": "FR"}).context[
        "cl"].result_count == 0


def test_a_facilitator_sees_only_the_clusters_it_follows(client, team):
    facilitator = FacilitatorFactory()
    team.cluster.facilitators.add(facilitator)
    ClusterFactory(name="Not followed")
    client.force_login(facilitator)

    clusters = client.get(reverse("admin:diagnostic_cluster_changelist"))
    diagnostics = client.get(reverse("admin:diagnostic_diagnostic_changelist"))
    other = client.get(reverse("admin:diagnostic_cluster_change",
                               args=[ClusterFactory().pk]))

    assert [c.name for c in clusters.context["cl"].result_list] == [team.cluster.name]
    assert list(diagnostics.context["cl"].result_list) == [team.diagnostic]
    assert other.status_code == 404


def test_a_version_with_diagnostics_cannot_be_edited_in_the_admin(admin_client, team):
    question = team.diagnostic.version.sections.get(key="motives").questions.first()

    response = admin_client.post(reverse("admin:diagnostic_question_change",
                                         args=[question.pk]), {"label_texts_en": "Changed"})

    question.refresh_from_db()
    assert response.status_code == 403
    assert question.label_texts["en"] != "Changed"
