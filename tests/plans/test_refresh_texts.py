"""manage.py refresh_texts: the texts of the shipped data files, in every language they
have, into a database loaded before (how a new language arrives)."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command

from benchmark.models import ReferenceFigure, ScoringMethod
from benchmark.reference import read_reference_file
from benchmark.services import scoring_method_texts_refresh
from diagnostic.models import Option, Question
from diagnostic.questionnaire.load import questionnaire_texts_refresh, read_version_file
from plans.models import ActionTemplate, Phase
from plans.playbook.load import playbook_texts_refresh
from plans.playbook.load import read_version_file as read_playbook_file

pytestmark = [pytest.mark.django_db]


def with_italian(data: dict) -> dict:
    """The data file as it will be once a fourth language, Italian, is added to it."""
    data = copy.deepcopy(data)

    def walk(value):
        if isinstance(value, dict):
            if "en" in value and isinstance(value["en"], str):
                if value["en"]:
                    value["it"] = f"IT {value['en']}"
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(data)
    return data


def test_a_language_added_to_the_questionnaire_file_reaches_the_database():
    data = with_italian(read_version_file("v2.json"))
    question = Question.objects.get(section__version__code=data["version"], key="motives")
    option = question.options.order_by("position").first()

    changed = questionnaire_texts_refresh(data=data)

    question.refresh_from_db()
    option.refresh_from_db()
    assert changed > 100
    assert question.label_texts["it"] == f"IT {question.label_texts['en']}"
    assert option.label_texts["it"] == f"IT {option.label_texts['en']}"
    assert questionnaire_texts_refresh(data=data) == 0


def test_a_corrected_text_is_kept_unless_the_file_is_to_win():
    data = read_version_file("v1.json")
    question = Question.objects.filter(section__version__code=data["version"]).first()
    question.label_texts = {**question.label_texts, "en": "Corrected"}
    question.save()

    questionnaire_texts_refresh(data=data)
    question.refresh_from_db()
    assert question.label_texts["en"] == "Corrected"

    questionnaire_texts_refresh(data=data, overwrite=True)
    question.refresh_from_db()
    assert question.label_texts["en"] != "Corrected"


def test_a_language_added_to_the_playbook_file_reaches_every_kind_of_item():
    data = with_italian(read_playbook_file("v1.json"))

    playbook_texts_refresh(data=data)

    template = ActionTemplate.objects.filter(version__code=data["version"]).first()
    assert template.milestone_texts["it"] == f"IT {template.milestone_texts['en']}"
    assert template.owner_role_texts["it"] == f"IT {template.owner_role_texts['en']}"
    assert not Phase.objects.filter(version__code=data["version"]).exclude(
        title_texts__has_key="it").exists()


def test_a_language_added_to_the_method_file_changes_only_its_texts():
    data = with_italian(read_reference_file("method_2026_1.json"))
    method = ScoringMethod.objects.get(code=data["code"])
    before = copy.deepcopy(method.definition)

    assert scoring_method_texts_refresh(data=data) == 1

    method.refresh_from_db()
    assert method.definition["bands"][0]["label"]["it"].startswith("IT ")
    assert [d["items"] for d in method.definition["dimensions"]] == [
        d["items"] for d in before["dimensions"]]


def test_the_command_restores_a_missing_language_everywhere():
    option = Option.objects.order_by("pk").first()
    option.label_texts = {"en": option.label_texts["en"]}
    option.save()
    Phase.objects.update(title_texts={"en": "Only English"})
    figure = ReferenceFigure.objects.order_by("pk").first()
    figure.label_texts = {"en": figure.label_texts["en"]}
    figure.save()
    out = StringIO()

    call_command("refresh_texts", stdout=out)

    option.refresh_from_db()
    figure.refresh_from_db()
    assert option.label_texts.get("fr")
    assert figure.label_texts.get("fr")
    assert not Phase.objects.exclude(title_texts__has_key="fr").exists()
    assert "questionnaire: 1 row(s) updated" in out.getvalue()
