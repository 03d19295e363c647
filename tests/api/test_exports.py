import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from api.exports import answers_csv, neutralise
from tests.factories import UserFactory, api_token, plan_for

pytestmark = [pytest.mark.django_db]


def _labels(plan):
    """(question label, answer text) of a single-choice answer, in the active language."""
    answer = next(a for a in plan.diagnostic.answers.select_related("question")
                  if a.question.kind == "single" and a.value)
    option = answer.question.options.get(key=answer.value)
    return answer.question.label, option.label, option.key


def test_the_csv_reads_back_with_labels_never_codes(team, client):
    plan = plan_for(team)
    client.force_login(team.member)

    response = client.get(reverse("api:run_answers_csv", args=[plan.diagnostic_id]))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    question, option, key = _labels(plan)
    assert rows[0] == ["Section", "Question", "Answer"]
    assert [question, option] in [r[1:] for r in rows]
    assert all(r[2] != key for r in rows[1:] if r[1] == question)


def test_the_xlsx_reads_back_with_openpyxl_in_the_readers_language(team, client):
    plan = plan_for(team)
    team.member.language = "fr"
    team.member.save()
    client.force_login(team.member)

    response = client.get(reverse("api:run_answers_xlsx", args=[plan.diagnostic_id]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    with translation.override("fr"):
        question, option, _key = _labels(plan)
    assert rows[0] == ("Section", "Question", "Réponse")
    assert any(r[1:] == (question, option) for r in rows)


def test_formula_cells_are_neutralised():
    rows = [{"section": "=1+1", "question": "@SUM(A1)", "answer": "-2"},
            {"section": "s", "question": "q", "answer": "=HYPERLINK(\"http://x\")"}]

    content = answers_csv(rows).decode("utf-8-sig")

    assert neutralise("+1") == "'+1" and neutralise("plain") == "plain"
    assert "'=1+1" in content and "'@SUM(A1)" in content and "'=HYPERLINK" in content


def test_the_whole_run_as_json_has_profile_answers_score_and_plan(team, client):
    plan = plan_for(team)
    client.force_login(team.manager)

    data = json.loads(client.get(reverse("api:run_json", args=[plan.diagnostic_id])).content)

    assert data["profile"]["sector"] == team.cluster.sector
    # In words too, as the API gives them (a code alone means nothing to a reader).
    assert data["profile"]["sector_label"] == team.cluster.get_sector_display()
    assert data["profile"]["country_name"] == team.cluster.country.name
    assert data["answers"] and data["score"]["index"] == plan.diagnostic.score.overall
    assert len(data["plan"]["actions"]) == plan.actions.count()


def test_a_person_downloads_everything_about_them_and_their_clusters(team, client):
    plan = plan_for(team)
    api_token(team.manager, name="dashboard")
    client.force_login(team.manager)

    assert reverse("api:my_data") in client.get(reverse("profile")).content.decode()
    data = json.loads(client.get(reverse("api:my_data")).content)

    assert data["account"]["email"] == team.manager.email
    assert [t["name"] for t in data["api_tokens"]] == ["dashboard"]
    assert "hashed" not in data["api_tokens"][0]
    [cluster] = data["clusters"]
    assert cluster["name"] == team.cluster.name
    assert [r["run"] for r in cluster["runs"]] == [plan.diagnostic.run]


def test_someone_elses_data_is_not_in_my_download(team, client):
    plan_for(team)
    client.force_login(UserFactory())

    data = json.loads(client.get(reverse("api:my_data")).content)

    assert data["clusters"] == []
