"""Every 2007 comparison shown, on the results page and in the PDF, in English and French,
read back and checked against benchmark/data/study_2007.json: the study's own statement,
bounds read as bounds, ranks with their uncertainty, gaps said as gaps."""

import html
import json
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from diagnostic.models import Answer, Question
from plans.pdf.content import pdf_context
from tests.factories import plan_for, submitted_diagnostic

pytestmark = [pytest.mark.django_db]

STUDY = json.loads((Path(__file__).resolve().parents[2] / "benchmark" / "data"
                    / "study_2007.json").read_text(encoding="utf-8"))
FIGURES = {(f["question_key"], f["option_key"]): f for f in STUDY["figures"]}
WORDS = {
    "en": {"exact": "{s} %", "about": "about {s} %", "at_most": "fewer than {s} %",
           "at_least": "more than {s} %", "not_asked": "not asked in 2007",
           "lost": "asked in 2007; share not recovered", "ranked": "share not recovered; ranked"},
    "fr": {"exact": "{s} %", "about": "environ {s} %", "at_most": "moins de {s} %",
           "at_least": "plus de {s} %", "not_asked": "non demandé en 2007",
           "lost": "demandé en 2007 ; part non retrouvée", "ranked": "part non retrouvée ;"},
    # German: used once the study's data carries German texts (its JSON file).
    "de": {"exact": "{s} %", "about": "etwa {s} %", "at_most": "weniger als {s} %",
           "at_least": "mehr als {s} %", "not_asked": "2007 nicht gefragt",
           "lost": "2007 gefragt; Anteil nicht ermittelt", "ranked": "Anteil nicht ermittelt;"},
}
RANKS = {"en": {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}, "fr": {1: "1er", 2: "2e", 3: "3e",
                                                               4: "4e"},
         "de": {1: "1.", 2: "2.", 3: "3.", 4: "4."}}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _cells(page: str) -> dict[str, str]:
    return {key: _text(cell) for key, cell in
            re.findall(r'<td data-study="([^"]+)">(.*?)</td>', page, flags=re.S)}


def _pdf_cells(page: str) -> dict[str, str]:
    """The PDF gives the source a column of its own, next to the figure."""
    return {key: _text(cell + " " + source) for key, cell, source in
            re.findall(r'<td data-study="([^"]+)">(.*?)</td><td>(.*?)</td>', page, flags=re.S)}


def _check(cell: str, figure: dict | None, language: str) -> None:
    words = WORDS[language]
    other = "fr" if language == "en" else "en"
    if figure is None:
        assert cell.startswith(words["not_asked"]), cell
        return
    if figure["share"] is None:
        if figure["rank"]:
            rank = RANKS[language][figure["rank"]]
            if figure.get("rank_to"):
                rank += "–" + RANKS[language][figure["rank_to"]]
            assert cell.startswith(words["ranked"]) and rank in cell, cell
        else:
            assert cell.startswith(words["lost"]), cell
        assert not re.search(r"\d+ %", cell.split("(")[0]), cell
    else:
        share = f"{float(figure['share']):g}"
        expected = words[figure["bound"]].format(s=share)
        assert cell.startswith(expected), (cell, expected)
        if figure["bound"] in ("at_most", "at_least"):
            assert not cell.startswith(words["about"].format(s=share)), cell
    for name in ("statement", "caveat"):
        if figure[name][language]:
            assert figure[name][language] in cell, (name, cell)
    if figure["original_wording"]:
        assert figure["original_wording"] in cell, cell
        assert figure["gloss"][language] in cell, cell
        if figure["gloss"][other] != figure["gloss"][language]:
            assert figure["gloss"][other] not in cell, cell
    if figure["n"]:
        assert f"n = {figure['n']}" in cell, cell
    else:
        assert "n = " not in cell, cell


def _study_questions(diagnostic):
    return {q.key: q for q in Question.objects.filter(section__version=diagnostic.version_id)
            .exclude(study_key="").prefetch_related("options")}


def _choose_everything(diagnostic):
    """Every option of every multiple-choice question chosen, so that every figure shows
    in a sentence too."""
    for question in _study_questions(diagnostic).values():
        if question.kind == Question.Kind.MULTIPLE:
            Answer.objects.filter(diagnostic=diagnostic, question=question).update(
                value=[o.key for o in question.options.all()])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_comparison_on_the_results_page_says_what_the_study_said(client, team, language):
    diagnostic = submitted_diagnostic(team)
    _choose_everything(diagnostic)
    team.manager.language = language
    team.manager.save()
    client.force_login(team.manager)

    page = client.get(reverse("benchmark:diagnostic_results", args=[diagnostic.pk])).text

    questions = _study_questions(diagnostic)
    checked = 0
    for key, article in re.findall(r'<article class="mb-4" data-question="([^"]+)">(.*?)'
                                   r"</article>", page, flags=re.S):
        if key not in questions:
            continue
        cells = _cells(article)
        assert set(cells) == {o.key for o in questions[key].options.all()}
        for option_key, cell in cells.items():
            _check(cell, FIGURES.get((questions[key].study_key, option_key)), language)
            checked += 1
        for sentence in re.findall(r'data-testid="comparison-sentence">(.*?)</p>', article,
                                   flags=re.S):
            assert "surveyed clusters did" not in sentence
    assert checked >= len(FIGURES)
    assert "Q1_motives" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_comparison_in_the_pdf_says_what_the_study_said(team, language):
    plan = plan_for(team)  # submits the team's diagnostic
    diagnostic = plan.diagnostic
    _choose_everything(diagnostic)

    with translation.override(language):
        page = render_to_string("plans/pdf/plan.html", pdf_context(plan, with_images=False))

    questions = _study_questions(diagnostic)
    by_option = {o.key: q.study_key for q in questions.values() for o in q.options.all()}
    # The study's two views are in the PDF too, with the finding's source and year.
    assert 'data-view="sector"' in page and 'data-view="governance"' in page
    assert "VDI/VDE-IT, 2007" in page
    cells = _pdf_cells(page)
    assert cells
    for option_key, cell in cells.items():
        _check(cell, FIGURES.get((by_option[option_key], option_key)), language)


def test_the_issues_cases_read_as_the_study_put_them(client, team):
    diagnostic = submitted_diagnostic(team)
    _choose_everything(diagnostic)
    client.force_login(team.manager)

    cells = _cells(client.get(reverse("benchmark:diagnostic_results",
                                      args=[diagnostic.pk])).text)

    assert cells["q4_business_trips"].startswith("6 %")
    assert "stop at business delegation trips" in cells["q4_business_trips"]
    assert cells["q4_contact_networks"].startswith("fewer than 33 %")
    assert "without being able to specify" in cells["q4_joint_rd"]
    assert "15 % for time and money together" in cells["q3_funding"]
    assert "cases, not clusters" in cells["q3_language_distance"]
    assert "n = 88" not in cells["q3_language_distance"]
    assert cells["q8_worldwide"].startswith("more than 50 %")
    assert "companies" in cells["q8_worldwide"]
    assert "2nd–3rd" in cells["q1_new_markets"]


def test_the_method_page_names_questions_and_cites_the_governance_source(client):
    english = client.get(reverse("benchmark:method")).text
    client.cookies["django_language"] = "fr"
    french = html.unescape(client.get(reverse("benchmark:method")).text)

    assert "Q1_motives" not in english and "Q3_barriers" not in english
    assert "Markusen" in english and "our explanation" in english
    assert "notre explication" in french
    assert "fewer than 33 %" in english and "plus de 50 %" in french
    assert "one network in twenty" in english and "un réseau sur vingt" in french
    assert "one network in twenty" not in french
