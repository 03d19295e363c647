"""Conditional questions: which questions of a version are shown, given the answers so far.
Pure functions over the questions' `show_if` data (the same rules run in the browser, in
static/js/conditions.js). A question is shown when it has no condition or when any of its
conditions holds; a condition on a hidden question never holds, so a chain of conditions
hides everything below a hidden question."""

from .answers import is_answered


def _chosen(value) -> set[str]:
    if not is_answered(value):
        return set()
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return {value} if isinstance(value, str) else set()


def condition_holds(condition: dict, values: dict, shown: set[str]) -> bool:
    """One clause: {"question": key, "any_of": [option keys]} or {"question": key,
    "answered": true}, on the answers by key."""
    key = condition.get("question")
    if key not in shown:
        return False
    value = values.get(key)
    if condition.get("answered"):
        return is_answered(value)
    return bool(_chosen(value) & set(condition.get("any_of", [])))


def shown_keys(questions, values: dict) -> set[str]:
    """Keys of the questions shown, for questions in questionnaire order (conditions only
    look back) and the answers by question key."""
    shown: set[str] = set()
    for question in questions:
        clauses = question.show_if or []
        if not clauses or any(condition_holds(c, values, shown) for c in clauses):
            shown.add(question.key)
    return shown


def all_questions(sections) -> list:
    """The questions of prefetched sections, in questionnaire order."""
    return [q for section in sections for q in section.questions.all()]
