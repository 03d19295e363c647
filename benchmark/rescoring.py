"""Scores under the current method for the peer cohorts: peers are compared under one
method, whatever method each run's own score keeps (DiagnosticScore.method)."""

from diagnostic.models import Answer, Diagnostic

from . import scoring
from .models import PeerEntry, ScoringMethod


def answers_by_key(diagnostic: Diagnostic) -> dict[str, object]:
    return dict(Answer.objects.filter(diagnostic=diagnostic)
                .values_list("question__key", "value"))


def peer_scores(diagnostic: Diagnostic) -> tuple[ScoringMethod, object]:
    """The scores a peer entry holds: the current method's (peers are compared under one
    method), the run's own score when it was computed with it."""
    method = ScoringMethod.objects.get(is_current=True)
    if diagnostic.score.method_id == method.pk:
        return method, diagnostic.score
    return method, scoring.score_answers(method.definition, answers_by_key(diagnostic))


def set_scores(entry: PeerEntry, method: ScoringMethod, scores) -> bool:
    """Give the entry these scores; True when that changed them."""
    values = {"method_id": method.pk, "overall": scores.overall,
              **{d: scores.dimensions[d] for d in scoring.DIMENSIONS}}
    changed = any(getattr(entry, k, None) != v for k, v in values.items())
    for name, value in values.items():
        setattr(entry, name, value)
    return changed


RESCORE_BATCH = 2000


def peers_rescore(*, cohort: str, method: ScoringMethod) -> int:
    """Re-score, under the method, the peers still scored under an older one, from their
    stored answers: a few queries per batch, and the whole cohort only once per new method.
    The statistics of the current method then count every peer (their own results keep
    their method until their team re-scores). Returns how many were re-scored."""
    stale = list(PeerEntry.objects.filter(cohort=cohort).exclude(method=method)
                 .values_list("pk", "diagnostic_id"))
    for start in range(0, len(stale), RESCORE_BATCH):
        batch = stale[start:start + RESCORE_BATCH]
        answers: dict[int, dict] = {}
        for diagnostic_id, key, value in (
                Answer.objects.filter(diagnostic_id__in=[d for _pk, d in batch])
                .values_list("diagnostic_id", "question__key", "value")):
            answers.setdefault(diagnostic_id, {})[key] = value
        entries = []
        for pk, diagnostic_id in batch:
            entry = PeerEntry(pk=pk, method=method)  # the default would query per row
            set_scores(entry, method,
                       scoring.score_answers(method.definition, answers.get(diagnostic_id, {})))
            entries.append(entry)
        PeerEntry.objects.bulk_update(entries, ["method", "overall", *scoring.DIMENSIONS])
    return len(stale)

