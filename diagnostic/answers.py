"""Pure helpers between form values, stored answers and progress. No database access:
callers pass the questions, answers and cluster they already loaded."""

from dataclasses import dataclass
from decimal import Decimal

from .models import Cluster, Question, Section

# Profile fields a diagnostic cannot be submitted without (the benchmark groups by them).
PROFILE_REQUIRED = ["name", "country", "sector", "governance", "companies",
                    "research_institutes", "universities", "jobs"]


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def to_stored(question: Question, value):
    """A cleaned form value as stored in Answer.value; None when unanswered."""
    if value in (None, "", []):
        return None
    if question.kind in (Question.Kind.NUMBER, Question.Kind.PERCENT):
        return _plain_number(value)
    if question.kind == Question.Kind.TEXT:
        return value.strip() or None
    return value


def to_initial(question: Question, value):
    """A stored answer as the initial value of its form field."""
    if value is None:
        return [] if question.kind in (Question.Kind.MULTIPLE, Question.Kind.COUNTRIES) else None
    return value


def rows_to_stored(formset) -> list[dict] | None:
    rows = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        row = {}
        for key, value in form.cleaned_data.items():
            if key == "DELETE" or value in (None, ""):
                continue
            row[key] = _plain_number(value) if isinstance(value, Decimal) else value
        if row:
            rows.append(row)
    return rows or None


def is_answered(value) -> bool:
    return value not in (None, "", [])


def profile_missing(cluster: Cluster) -> list[str]:
    return [name for name in PROFILE_REQUIRED if getattr(cluster, name) in (None, "")]


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    answered: int
    total: int
    missing_required: int

    @property
    def is_complete(self) -> bool:
        return self.missing_required == 0 and self.answered > 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def sections_progress(sections: list[Section], values: dict[int, object],
                      cluster: Cluster, shown: set[str] | None = None) -> list[SectionProgress]:
    """Progress of each section, from the questions prefetched on the sections and the
    answer values keyed by question id; only the questions shown (all when not given)
    count."""
    progress = []
    for section in sections:
        if section.kind == Section.Kind.PROFILE:
            total = len(PROFILE_REQUIRED)
            missing = len(profile_missing(cluster))
            progress.append(SectionProgress(section, total - missing, total, missing))
            continue
        questions = [q for q in section.questions.all() if shown is None or q.key in shown]
        answered = [q for q in questions if is_answered(values.get(q.id))]
        missing = [q for q in questions if q.required and not is_answered(values.get(q.id))]
        progress.append(SectionProgress(section, len(answered), len(questions), len(missing)))
    return progress
