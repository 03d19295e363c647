"""Groups of peers ("segments") and small-group suppression: pure functions.

A segment fixes some of the four attributes and leaves the others open ("*"). Every
segment of fewer than the minimum group size is suppressed, and so is whatever would let
a suppressed count be worked out by subtraction from a published total."""

from itertools import combinations

ATTRIBUTES = ["sector", "governance", "country", "size"]
ANY = "*"


def segment_key(**filters: str) -> str:
    """E.g. segment_key(sector="ict") == "sector=ict;governance=*;country=*;size=*"."""
    return ";".join(f"{a}={filters.get(a) or ANY}" for a in ATTRIBUTES)


def parse_segment(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split(";"))


def grouping_sets() -> list[tuple[str, ...]]:
    """All 16 combinations of attributes a segment can fix, from none to all four."""
    return [combo for size in range(len(ATTRIBUTES) + 1)
            for combo in combinations(ATTRIBUTES, size)]


def _parent(key: str, attribute: str) -> str:
    values = parse_segment(key)
    values[attribute] = ANY
    return segment_key(**{a: v for a, v in values.items() if v != ANY})


def suppressed_segments(counts: dict[str, int], min_group: int) -> set[str]:
    """Segments whose figures must not be shown, from the number of peers in every
    non-empty segment.

    Primary suppression hides groups smaller than min_group. Complementary suppression
    then makes sure that, within any published total split along one attribute, never
    exactly one part is hidden: otherwise the total minus the published parts would
    reveal it (when the hidden part has no sibling, the total itself is hidden). Hiding
    more can create new single hidden parts elsewhere, so this repeats until nothing
    changes."""
    hidden = {key for key, n in counts.items() if n < min_group}
    families: dict[tuple[str, str], list[str]] = {}
    for key in counts:
        for attribute, value in parse_segment(key).items():
            if value != ANY:
                families.setdefault((_parent(key, attribute), attribute), []).append(key)
    changed = True
    while changed:
        changed = False
        for (parent, _attribute), children in families.items():
            if parent in hidden:
                continue
            hidden_children = [c for c in children if c in hidden]
            shown = sorted((c for c in children if c not in hidden),
                           key=lambda c: (counts[c], c))
            if len(hidden_children) == 1:
                # Hide a sibling; with no sibling, the total itself equals the hidden part.
                hidden.add(shown[0] if shown else parent)
                changed = True
    return hidden
