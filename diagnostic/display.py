"""Answers in words, for the review page and anybody who reads a diagnostic."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django_countries import countries

from clusterdiag.language import active_language

from .answers import PROFILE_REQUIRED, is_answered
from .forms import ClusterProfileForm
from .models import Cluster, Diagnostic, Question, Section
from .steps import answer_values, load_sections, shown_questions


@dataclass
class ReviewItem:
    key: str
    label: str
    text: str = ""
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    missing: bool = False


@dataclass
class ReviewSection:
    section: Section
    items: list
    missing: list


def _number(value) -> str:
    return number_format(value, decimal_pos=None if isinstance(value, int) else 1)


def answer_text(question: Question, value) -> str:
    if not is_answered(value):
        return ""
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        labels = {o.key: o.label for o in question.options.all()}
        keys = [value] if isinstance(value, str) else value
        return "; ".join(labels.get(k, k) for k in keys)
    if question.kind == Question.Kind.COUNTRIES:
        return ", ".join(countries.name(code) or code for code in value)
    if question.kind == Question.Kind.PERCENT:
        return f"{_number(value)} %"
    if question.kind == Question.Kind.NUMBER:
        return _number(value)
    return str(value)


def _rows(question: Question, value, language: str):
    columns = [c["label"].get(language) or c["label"]["en"] for c in question.columns]
    rows = []
    for row in value or []:
        cells = []
        for column in question.columns:
            cell = row.get(column["key"], "")
            if column["kind"] == "choice":
                labels = {o["key"]: o["label"].get(language) or o["label"]["en"]
                          for o in column.get("options", [])}
                cell = labels.get(cell, cell)
            elif column["kind"] == "country" and cell:
                cell = countries.name(cell) or cell
            cells.append(cell)
        rows.append(cells)
    return columns, rows


def _profile_items(cluster) -> list[ReviewItem]:
    form = ClusterProfileForm(instance=cluster)
    items = []
    for name, form_field in form.fields.items():
        value = getattr(cluster, name)
        if name in ("sector", "governance"):
            text = getattr(cluster, f"get_{name}_display")() if value else ""
        elif name == "country":
            text = value.name if value else ""
        else:
            text = "" if value in (None, "") else str(value)
        items.append(ReviewItem(key=name, label=str(form_field.label), text=text,
                                missing=name in PROFILE_REQUIRED and not text))
    return items


def profile_in_words(profile: dict) -> dict:
    """A submitted run's stored profile with its sector, governance type and country also
    in words, in the reader's language, beside their codes (as the API gives them)."""
    words = dict(profile)
    for name in ("sector", "governance"):
        if profile.get(name):
            choices = dict(Cluster._meta.get_field(name).flatchoices)
            words[f"{name}_label"] = str(choices.get(profile[name], profile[name]))
    if profile.get("country"):
        words["country_name"] = countries.name(profile["country"]) or profile["country"]
    return words


def review_sections(sections: list[Section], values: dict[int, object],
                    diagnostic: Diagnostic, shown: set[str] | None = None
                    ) -> list[ReviewSection]:
    """The answers in words, section by section; hidden questions (not in `shown`) are
    left out."""
    language = active_language()
    review = []
    for section in sections:
        if section.kind == Section.Kind.PROFILE:
            items = _profile_items(diagnostic.cluster)
        else:
            items = []
            for q in section.questions.all():
                if shown is not None and q.key not in shown:
                    continue
                value = values.get(q.id)
                item = ReviewItem(key=q.key, label=q.label, text=answer_text(q, value),
                                  missing=q.required and not is_answered(value))
                if q.kind == Question.Kind.ROWS:
                    item.columns, item.rows = _rows(q, value, language)
                items.append(item)
        review.append(ReviewSection(section, items, [i for i in items if i.missing]))
    return review


def answer_rows(diagnostic: Diagnostic) -> list[dict]:
    """The run's answers in words, one row per shown question (the profile first), in the
    reader's language: what the exports and the API publish, never option codes. A table
    answer is one text, its rows joined by " | " and its cells by "; "."""
    sections = load_sections(diagnostic)
    values = answer_values(diagnostic)
    rows = []
    for section in review_sections(sections, values, diagnostic,
                                   shown_questions(sections, values)):
        for item in section.items:
            text = " | ".join("; ".join(str(c) for c in row) for row in item.rows) \
                if item.rows else item.text
            rows.append({"section": section.section.title, "key": item.key,
                         "question": str(item.label), "answer": text})
    return rows
