"""The target-market shortlist's order in a plan that already exists. The generated actions
take the markets the new order gives them, as if the plan were generated again, while what a
person changed stays as it is: an action a person added, renamed or gave other target
countries keeps its targets, and a text a person typed is kept as typed. Pure functions;
plans.services writes the result."""

from dataclasses import asdict

from .rules import LANGUAGE_MEASURE, Recommendation, Strategy, Trigger
from .texts import ACTION_TEXTS, generated_text, texts_by_language


def stored_strategy(data: dict) -> Strategy:
    """The strategy a plan keeps as JSON, as the rules' objects again."""
    def triggers(items):
        return [Trigger(t["kind"], t["key"], t.get("value")) for t in items]

    return Strategy(phase=data["phase"], phase_triggers=triggers(data.get("phase_triggers", [])),
                    recommendations=[Recommendation(r["kind"], r["key"], r["priority"],
                                                    triggers(r.get("triggers", [])))
                                     for r in data.get("recommendations", [])])


def with_language_measure(strategy: Strategy, trigger: Trigger | None) -> Strategy:
    """The strategy with the language measure as build_strategy gives it for the markets of
    a new order (`trigger`: rules.language_trigger, None when every market shares a
    language with the team). Its reason names the new order's markets apart; the measure
    goes when nothing else recommends it any more, and comes back when a market apart
    does."""
    recommendations, placed = [], False
    for rec in strategy.recommendations:
        kept = [t for t in rec.triggers if t.kind != "language"]
        if trigger is not None and (rec.kind, rec.key) == ("barrier", LANGUAGE_MEASURE):
            kept.append(trigger)
            placed = True
        if kept or not rec.triggers:
            recommendations.append(Recommendation(rec.kind, rec.key, rec.priority, kept))
    if trigger is not None and not placed:
        recommendations.append(Recommendation("barrier", LANGUAGE_MEASURE, 1, [trigger]))
    # In build_strategy's order: by priority, then kind, then key.
    recommendations.sort(key=lambda r: (r.priority, r.kind, r.key))
    return Strategy(phase=strategy.phase, phase_triggers=strategy.phase_triggers,
                    recommendations=recommendations)


def strategy_data(data: dict, strategy: Strategy) -> dict:
    """The JSON a plan keeps (`data`), with the phase and recommendations of `strategy`."""
    return {**data, "phase": strategy.phase,
            "phase_triggers": [asdict(t) for t in strategy.phase_triggers],
            "recommendations": [asdict(r) for r in strategy.recommendations]}


def _slots(rows: list[dict]) -> list[tuple[str, int]]:
    """Each draft row's place: (its template, the how-many-th row of that template)."""
    seen: dict[str, int] = {}
    slots = []
    for row in rows:
        key = row["template_key"]
        slots.append((key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return slots


def _column_language(action, name: str, default: str) -> str:
    """The language of the generated text the column holds (the generating user's)."""
    column = getattr(action, name)
    return next((language for language, text in action.generated_texts[name].items()
                 if text == column), default)


def follow_markets(actions, old_rows: list[dict], new_rows: dict[str, list[dict]],
                   language: str) -> list:
    """The actions that change, changed in memory (target countries compared in any order:
    the field keeps them sorted): an action still targeting what the
    draft of the old order gave its place takes the targets of the same place in the draft
    of the new order (`new_rows` in each language, `language` one of them), with the texts
    that name them, where those texts are still as generated. Matched by targets rather
    than position, so that actions the team moved keep theirs. An action whose place the
    new draft no longer has (fewer markets than actions of its template) is left as it is."""
    free: dict[tuple, list] = {}
    for row, slot in zip(old_rows, _slots(old_rows), strict=True):
        free.setdefault((row["template_key"], tuple(sorted(row["target_countries"]))),
                        []).append(slot)
    new = {lang: dict(zip(_slots(rows), rows, strict=True)) for lang, rows in new_rows.items()}
    changed = []
    for action in actions:
        targets = tuple(sorted(country.code for country in action.target_countries))
        slots = free.get((action.template_key, targets)) if action.template_key else None
        if not slots:
            continue  # added by a person, or its targets changed by one
        slot = slots.pop(0)
        if slot not in new[language] or generated_text(action, "title") is None:
            continue  # no place for it in the new order, or a person renamed it
        drafts = {lang: rows[slot] for lang, rows in new.items()}
        texts = texts_by_language(drafts, ACTION_TEXTS)
        before = ([getattr(action, name) for name in ACTION_TEXTS],
                  action.generated_texts or {}, targets)
        generated = dict(action.generated_texts or {})
        for name in ACTION_TEXTS:
            if name in texts and generated_text(action, name) is not None:
                column = _column_language(action, name, language)
                generated[name] = texts[name]
                setattr(action, name, texts[name].get(column) or texts[name][language])
        action.generated_texts = generated
        new_targets = list(drafts[language]["target_countries"])
        action.target_countries = new_targets
        after = ([getattr(action, name) for name in ACTION_TEXTS], generated,
                 tuple(sorted(new_targets)))
        if after != before:
            changed.append(action)
    return changed
