"""Groups of peers ("segments") and small-group suppression: pure functions.

A segment fixes some of the four attributes and leaves the others open ("*"). Which
segments may be published is decided by benchmark.disclosure."""

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
