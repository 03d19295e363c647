import pytest

from diagnostic import services
from diagnostic.models import Option, Question, QuestionnaireVersion, Section
from diagnostic.questionnaire.load import questionnaire_load, read_version_file

pytestmark = [pytest.mark.django_db]

SURVEY_RULES = {  # 2007 survey question: (kind, max answers)
    "Q1_motives": ("multiple", 2),
    "Q2_responsibility": ("single", 1),
    "Q3_barriers": ("multiple", None),
    "Q4_strategies": ("multiple", None),
    "Q7_funding_sources": ("multiple", None),
}


def filled(texts: dict | None) -> dict:
    """A text of the file as stored: the languages it has a text in."""
    return {language: text for language, text in (texts or {}).items() if text}


@pytest.mark.parametrize("name", ["v1.json", "v2.json"])
def test_the_migration_loaded_each_version_exactly_as_in_the_data_file(name):
    data = read_version_file(name)
    version = QuestionnaireVersion.objects.get(code=data["version"])

    stored = [
        (s.key, s.title_texts, s.intro_texts,
         [(q.key, q.kind, q.required, q.label_texts, q.help_texts, q.show_if, q.drives,
           [(o.key, o.label_texts) for o in q.options.order_by("position")])
          for q in s.questions.order_by("position")])
        for s in version.sections.order_by("position")
    ]
    expected = [
        (s["key"], filled(s["title"]), filled(s.get("intro")),
         [(q["key"], q["kind"], q["required"], filled(q["label"]), filled(q.get("help")),
           q.get("show_if", []), q.get("drives", []),
           [(o["key"], filled(o["label"])) for o in q.get("options", [])])
          for q in s["questions"]])
        for s in data["sections"]
    ]
    assert stored == expected
    assert [s[0] for s in stored] == ["profile", "motives", "driving_force", "strategy",
                                      "cooperation", "barriers", "experience", "first_contact",
                                      "funding"]


def test_survey_items_keep_the_study_options_and_answer_rules():
    current = QuestionnaireVersion.objects.current()
    questions = {q.study_key: q for q in Question.objects.exclude(study_key="")
                 .filter(section__version=current)}

    for study_key, (kind, max_answers) in SURVEY_RULES.items():
        assert questions[study_key].kind == kind
        if kind == "multiple":
            assert questions[study_key].max_choices == (
                max_answers or questions[study_key].options.count())
    assert {"q3_trust", "q3_conflict", "q3_funding", "q3_time", "q3_language_distance"} <= set(
        questions["Q3_barriers"].options.values_list("key", flat=True))
    assert {"q2_board", "q2_working_group"} <= set(
        questions["Q2_responsibility"].options.values_list("key", flat=True))


def test_every_label_has_english_and_french():
    for model, fields in [(Section, ["title"]), (Question, ["label"]), (Option, ["label"])]:
        for field in fields:
            for language in ("en", "fr"):
                assert not model.objects.exclude(
                    **{f"{field}_texts__has_key": language}).exists()


def test_loading_a_version_again_changes_nothing():
    before = (Question.objects.count(), Option.objects.count())

    questionnaire_load(data=read_version_file("v1.json"))
    questionnaire_load(data=read_version_file("v2.json"))

    assert (Question.objects.count(), Option.objects.count()) == before
    assert QuestionnaireVersion.objects.count() == 2
    assert QuestionnaireVersion.objects.current().code == "2026.2"


def test_copying_a_version_makes_an_unpublished_version_with_the_same_content():
    version = QuestionnaireVersion.objects.current()

    copy = services.questionnaire_version_copy(version=version)

    assert copy.is_published is False
    assert QuestionnaireVersion.objects.current() == version
    assert list(Question.objects.filter(section__version=copy).order_by(
        "section__position", "position").values_list("key", "show_if", "drives")) == list(
        Question.objects.filter(section__version=version).order_by(
            "section__position", "position").values_list("key", "show_if", "drives"))
    assert Option.objects.filter(question__section__version=copy).count() == Option.objects.filter(
        question__section__version=version).count()


def test_a_run_started_on_a_newer_version_keeps_the_answers_that_still_apply(team):
    from tests.factories import answer_everything

    answer_everything(team.diagnostic, team.manager)
    services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                               benchmark_consent=False)
    newer = services.questionnaire_version_copy(version=team.diagnostic.version)
    Question.objects.filter(section__version=newer, key="time_horizon").delete()
    QuestionnaireVersion.objects.filter(pk=newer.pk).update(is_published=True,
                                                            published_at="2100-01-01T00:00Z")

    run2 = services.diagnostic_start(cluster=team.cluster, user=team.manager)

    assert run2.version == newer
    assert team.diagnostic.version != newer
    assert run2.answers.count() == team.diagnostic.answers.count() - 1
    assert set(run2.answers.values_list("question__section__version", flat=True)) == {newer.pk}


def test_a_run_on_v1_keeps_v1_and_a_new_run_copies_its_answers_by_key_into_v2(team):
    from tests.factories import answer_everything

    v1 = QuestionnaireVersion.objects.get(code="2026.1")
    team.diagnostic.version = v1
    team.diagnostic.save()
    answer_everything(team.diagnostic, team.manager)
    services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                               benchmark_consent=False)

    run2 = services.diagnostic_start(cluster=team.cluster, user=team.manager)

    team.diagnostic.refresh_from_db()
    assert team.diagnostic.version == v1
    assert run2.version.code == "2026.2"
    old = dict(team.diagnostic.answers.values_list("question__key", "value"))
    new = dict(run2.answers.values_list("question__key", "value"))
    v2_keys = set(Question.objects.filter(section__version=run2.version)
                  .values_list("key", flat=True))
    assert new == {key: value for key, value in old.items() if key in v2_keys}
    assert "barrier_reduction" in old and "barrier_reduction" not in new
    assert new["main_objectives"] == old["main_objectives"]
