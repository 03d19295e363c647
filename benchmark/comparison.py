"""Two runs of one cluster side by side: pure functions over plain values, no ORM.

Both runs are re-scored here under one method, whatever method scored each when it was
submitted, so that a change of method never shows up as a change of the cluster. Answers
are matched by question key, because a later questionnaire version has new question rows
(and may add or drop questions)."""

from dataclasses import dataclass

from . import scoring

# How an answer moved between the two runs.
SAME, CHANGED, NOT_ASKED_BEFORE, NOT_ASKED_AFTER = "same", "changed", "not_asked_before", \
    "not_asked_after"


@dataclass(frozen=True)
class ScoreRow:
    key: str  # "overall" or a dimension key
    before: float
    after: float

    @property
    def change(self) -> float:
        return round(self.after - self.before, 1)


@dataclass(frozen=True)
class AnswerRow:
    key: str
    label: str
    before: str  # the answer in words; "" when unanswered or not asked
    after: str
    state: str


def rescore(method: dict, answers: dict[str, object]) -> scoring.Scores:
    """A run's scores under `method`, which need not be the one it was scored with."""
    return scoring.score_answers(method, answers)


def score_rows(method: dict, before: dict[str, object], after: dict[str, object]
               ) -> list[ScoreRow]:
    """The index and each dimension of `method`, before and after, both re-scored."""
    old, new = rescore(method, before), rescore(method, after)
    rows = [ScoreRow("overall", old.overall, new.overall)]
    rows += [ScoreRow(d["key"], old.dimensions[d["key"]], new.dimensions[d["key"]])
             for d in method["dimensions"]]
    return rows


def answer_rows(questions: list[tuple[str, str]], before: dict[str, str],
                after: dict[str, str], asked_before: set[str], asked_after: set[str]
                ) -> list[AnswerRow]:
    """Answer by answer, in words, for every question of either version (`questions`:
    (key, label) in the order to show). A question absent from a run's version is "not
    asked then", never an empty answer."""
    rows = []
    for key, label in questions:
        old, new = before.get(key, ""), after.get(key, "")
        if key not in asked_before:
            state = NOT_ASKED_BEFORE
        elif key not in asked_after:
            state = NOT_ASKED_AFTER
        else:
            state = SAME if old == new else CHANGED
        rows.append(AnswerRow(key, label, old, new, state))
    return rows


def value_of(target: str, scores: scoring.Scores) -> float | None:
    """The value an indicator follows: "index", "dimension:<key>" or "question:<key>"
    (the item score of that question, 0-100); None when the method does not score it."""
    if target == "index":
        return scores.overall
    kind, _, key = target.partition(":")
    if kind == "dimension":
        return scores.dimensions.get(key)
    if kind == "question":
        return scores.items.get(key)
    return None
