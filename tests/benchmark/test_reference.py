from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from benchmark.models import ReferenceFigure, ReferenceStudy
from benchmark.reference import (
    figure_fields,
    figures_by_option,
    read_reference_file,
    reference_study_load,
    study_fields,
)
from diagnostic.models import Option, QuestionnaireVersion

pytestmark = [pytest.mark.django_db]

STUDY_KEY = "vdi-vde-it-2007"

# The shares study-2007.json recovered, as (share, exact). Every other figure is unpublished.
KNOWN_SHARES = {
    ("Q2_responsibility", "q2_board"): (Decimal(44), True),
    ("Q2_responsibility", "q2_working_group"): (Decimal(5), False),
    ("Q3_barriers", "q3_trust"): (Decimal(20), False),
    ("Q3_barriers", "q3_conflict"): (Decimal(20), False),
    ("Q3_barriers", "q3_funding"): (Decimal(15), False),
    ("Q3_barriers", "q3_time"): (Decimal(15), False),
    ("Q3_barriers", "q3_language_distance"): (Decimal(5), False),
    ("Q4_strategies", "q4_concrete_strategy"): (Decimal(10), True),
    ("Q4_strategies", "q4_none"): (Decimal(16), True),
    ("Q4_strategies", "q4_business_trips"): (Decimal(6), True),
    # "ein knappes Drittel": study-2007.json stores 33, the upper bound.
    ("Q4_strategies", "q4_contact_networks"): (Decimal(33), False),
    ("Q4_strategies", "q4_joint_rd"): (Decimal(25), False),
    ("Q8_ambition_scope", "q8_worldwide"): (Decimal(50), False),
    ("Q8_ambition_scope", "q8_europe"): (Decimal(40), False),
    ("Q9_achievements_3y", "q9_eu_coop_same_field"): (Decimal(50), False),
    ("Q9_achievements_3y", "q9_world_coop_same_field"): (Decimal(25), False),
    ("Q9_achievements_3y", "q9_new_fields"): (Decimal(25), False),
}

UNPUBLISHED = {
    ("Q1_motives", "q1_market_position"), ("Q1_motives", "q1_new_markets"),
    ("Q1_motives", "q1_new_knowhow"), ("Q1_motives", "q1_exchange"),
    ("Q2_responsibility", "q2_other"),
    ("Q7_funding_sources", "q7_fp"), ("Q7_funding_sources", "q7_national"),
    ("Q7_funding_sources", "q7_own"), ("Q7_funding_sources", "q7_eranet"),
    ("Q7_funding_sources", "q7_interreg"), ("Q7_funding_sources", "q7_other"),
}

FIGURE_COLUMNS = ["question_key", "option_key", "label_texts", "share", "is_exact",
                  "original_wording", "rank", "n", "n_source", "source_url",
                  "source_kind_texts", "evidence", "note", "bound", "rank_to",
                  "statement_texts", "caveat_texts", "gloss_texts"]


def figures():
    return ReferenceFigure.objects.filter(study__key=STUDY_KEY)


def test_migration_loads_every_figure_as_in_the_data_file():
    data = read_reference_file()
    expected = [figure_fields(f) for f in data["figures"]]
    loaded = {(f["question_key"], f["option_key"]): f
              for f in figures().values(*FIGURE_COLUMNS)}

    assert len(loaded) == len(expected) == 28
    for fields in expected:
        assert loaded[fields["question_key"], fields["option_key"]] == fields


def test_migration_loads_the_study_as_in_the_data_file():
    fields = study_fields(read_reference_file()["study"])

    assert ReferenceStudy.objects.filter(**fields).count() == 1


def test_unpublished_figures_are_exactly_those_not_recovered():
    shares = {(f.question_key, f.option_key): (f.share, f.is_exact) for f in figures()}
    unpublished = {key for key, (share, _exact) in shares.items() if share is None}

    assert {k: v for k, v in shares.items() if k not in unpublished} == KNOWN_SHARES
    assert unpublished == UNPUBLISHED
    assert {shares[key] for key in unpublished} == {(None, None)}


def test_approximate_figures_keep_the_sources_wording_and_others_have_none():
    wordings = dict(figures().values_list("option_key", "original_wording"))

    glosses = dict(figures().values_list("option_key", "gloss_texts__fr"))

    # The German words alone: their gloss is in the reader's language, apart.
    assert wordings["q3_trust"] == "jeweils ein Fünftel"
    assert glosses["q3_trust"] == "un cinquième chacun"
    assert wordings["q4_contact_networks"] == "ein knappes Drittel"
    assert all(wordings[o] and glosses[o]
               for (_q, o), (_s, exact) in KNOWN_SHARES.items() if not exact)
    assert [o for (_q, o), (_s, exact) in KNOWN_SHARES.items() if exact and wordings[o]] == []
    # Without a share, only the ranked motives quote the press report.
    assert sorted(o for _q, o in UNPUBLISHED if wordings[o]) == [
        "q1_exchange", "q1_market_position", "q1_new_knowhow", "q1_new_markets"]


def test_every_figure_names_its_source():
    published = figures().exclude(share=None)

    assert [f.option_key for f in published if not f.source_url.startswith("http")] == []
    assert [f.option_key for f in figures()
            if not (f.source_kind_texts.get("en") and f.source_kind_texts.get("fr"))] == []


def test_only_the_motives_carry_a_rank():
    ranks = {f.option_key: f.rank for f in figures() if f.rank is not None}

    assert ranks == {"q1_market_position": 1, "q1_new_markets": 2, "q1_new_knowhow": 2,
                     "q1_exchange": 4}


def test_every_question_has_the_n_of_the_study():
    ns = {}
    for question_key, n in figures().values_list("question_key", "n"):
        ns.setdefault(question_key, set()).add(n)

    # Language and distance: "of cases", with no n of clusters.
    assert ns == {"Q1_motives": {89}, "Q2_responsibility": {89}, "Q3_barriers": {88, None},
                  "Q4_strategies": {85}, "Q7_funding_sources": {88},
                  "Q8_ambition_scope": {None}, "Q9_achievements_3y": {None}}


def test_study_carries_its_sample_and_its_bias_in_both_languages():
    study = ReferenceStudy.objects.get(key=STUDY_KEY)

    assert (study.sample_clusters, study.sample_countries, study.year) == (91, 10, 2007)
    assert study.authors == "Gerd Meier zu Köcker; Claudia Martina Buhl"
    for words in ["small and medium-sized enterprises", "transnational R&D cooperation",
                  "network managers", "Which 10 countries took part was not recovered"]:
        assert words in study.selection_texts["en"]
    for words in ["réseaux de PME", "coopération transnationale en R&D",
                  "managers des réseaux", "La liste des 10 pays n'a pas été retrouvée"]:
        assert words in study.selection_texts["fr"]
    assert (study.respondents_texts["en"], study.respondents_texts["fr"]) == (
        "network managers", "managers des réseaux")


def test_loading_again_creates_nothing_and_keeps_a_correction():
    figures().filter(option_key="q2_board").update(share=Decimal("44.5"), note="corrected")

    reference_study_load(data=read_reference_file())

    board = figures().get(option_key="q2_board")
    assert (board.share, board.note) == (Decimal("44.5"), "corrected")
    assert figures().count() == 28
    assert ReferenceStudy.objects.count() == 1


def test_loading_into_an_empty_database_records_each_figure_in_its_history():
    ReferenceStudy.objects.all().delete()

    study = reference_study_load(data=read_reference_file())

    assert study.figures.count() == 28
    assert ReferenceFigure.history.filter(history_type="+", study_id=study.pk).count() == 28


def test_loading_restores_a_deleted_figure_only():
    figures().filter(option_key="q7_fp").delete()

    reference_study_load(data=read_reference_file())

    assert figures().filter(option_key="q7_fp", share=None).count() == 1
    assert figures().count() == 28


def test_command_reports_created_and_present_figures():
    figures().filter(question_key="Q7_funding_sources").delete()
    out = StringIO()

    call_command("load_reference_study", stdout=out)

    assert "6 figure(s) created, 22 already present." in out.getvalue()


def test_figures_by_option_reads_a_study_in_one_query(django_assert_num_queries):
    study = ReferenceStudy.objects.get(key=STUDY_KEY)

    with django_assert_num_queries(1):
        by_option = figures_by_option(study)

    assert len(by_option) == 28
    assert by_option["Q2_responsibility", "q2_board"].share == Decimal(44)


def test_questionnaire_options_join_the_study_figures():
    study = ReferenceStudy.objects.get(key=STUDY_KEY)
    by_option = figures_by_option(study)
    options = Option.objects.filter(question__section__version=QuestionnaireVersion.objects
                                    .current()).exclude(question__study_key="")
    answered = {(o.question.study_key, o.key) for o in options.select_related("question")}

    assert {q for q, _o in answered} == {q for q, _o in by_option}
    assert sorted(o for _q, o in answered - by_option.keys()) == [
        "ambition_national", "exp_none", "fund_regional", "fund_single_market", "q2_manager",
        "q2_members", "q2_nobody", "q3_other"]
    assert sorted(by_option.keys() - answered) == []
    for key in answered & by_option.keys():
        assert (by_option[key].question_key, by_option[key].option_key) == key


def test_admin_lists_searches_and_filters_figures(admin_client):
    url = reverse("admin:benchmark_referencefigure_changelist")

    listing = admin_client.get(url)
    search = admin_client.get(url, {"q": "Vertrauen"})
    exact = admin_client.get(url, {"is_exact__exact": "1"})

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 28
    assert [f.option_key for f in search.context["cl"].result_list] == ["q3_conflict",
                                                                         "q3_trust"]
    assert sorted(f.option_key for f in exact.context["cl"].result_list) == [
        "q2_board", "q4_business_trips", "q4_concrete_strategy", "q4_none"]
    assert 'href="https://cio.de/a/amp/netzwerken-fehlt' in listing.content.decode()


def test_admin_shows_a_study_with_its_figures(admin_client):
    study = ReferenceStudy.objects.get(key=STUDY_KEY)

    response = admin_client.get(reverse("admin:benchmark_referencestudy_change",
                                        args=[study.pk]))

    assert response.status_code == 200
    assert "q4_contact_networks" in response.content.decode()


def change_form_data(figure, **changes):
    data = {name: getattr(figure, name) for name in FIGURE_COLUMNS}
    data.update(study=figure.study_id, **changes)
    boolean = {True: "true", False: "false", None: "unknown"}
    data["is_exact"] = boolean[data["is_exact"]]
    # A text in every language is one input per language of the site.
    for name in [k for k in data if k.endswith("_texts")]:
        texts = data.pop(name)
        data.update({f"{name}_{code}": texts.get(code, "") for code, _ in settings.LANGUAGES})
    return {k: "" if v is None else v for k, v in data.items()}


def test_admin_correction_is_kept_in_the_history(admin_client):
    figure = figures().get(option_key="q4_joint_rd")
    url = reverse("admin:benchmark_referencefigure_change", args=[figure.pk])

    page = admin_client.get(url)
    saved = admin_client.post(url, change_form_data(figure, share="26"))
    history = admin_client.get(reverse("admin:benchmark_referencefigure_history",
                                       args=[figure.pk]))

    assert page.status_code == 200
    assert "Provenance" in page.content.decode()
    assert saved.status_code == 302
    figure.refresh_from_db()
    assert figure.share == Decimal(26)
    assert [(h.history_type, h.share) for h in figure.history.order_by("history_date")] == [
        ("+", Decimal(25)), ("~", Decimal(26))]
    assert history.status_code == 200


def test_admin_refuses_a_share_without_saying_whether_it_is_exact(admin_client):
    figure = figures().get(option_key="q7_fp")
    url = reverse("admin:benchmark_referencefigure_change", args=[figure.pk])

    response = admin_client.post(url, change_form_data(figure, share="12"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "is_exact": ["Say whether this share is exact or approximate."],
        "bound": ["A share needs its reading (exact, approximate or a bound); without a share, "
                  "leave it empty."]}
    figure.refresh_from_db()
    assert figure.share is None
