"""ClusterDiag's internationalisation index and peer percentiles: pure functions over plain
values. No ORM, no settings, no request: callers load the answers and the method."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

DIMENSIONS = ["strategy", "organisation", "experience", "partnership", "funding"]
SCORES = ["overall", *DIMENSIONS]
PERCENTILES = 101  # cut points at 0, 1, ..., 100 %

# Member organisations (companies, institutes, universities, others) per size band.
SIZE_BANDS = [("small", 0), ("medium", 50), ("large", 150), ("very_large", 500)]


@dataclass(frozen=True)
class Scores:
    overall: float
    dimensions: dict[str, float]
    items: dict[str, float]
    band: str


def _answered(value) -> bool:
    return value not in (None, "", [])


def item_score(item: dict, value) -> float:
    """0-100 for one item of the method; an unanswered item scores 0."""
    if not _answered(value):
        return 0.0
    rule = item["rule"]
    if rule == "points":
        chosen = [value] if isinstance(value, str) else value
        return float(max((item["points"].get(key, 0) for key in chosen), default=0))
    if rule == "scale":
        return min(float(value) / item["full"], 1.0) * 100
    if rule == "count":
        counted = [key for key in value if key not in item.get("exclude", [])]
        return min(len(counted) / item["target"], 1.0) * 100
    if rule == "rows":
        return min(len(value) / item["target"], 1.0) * 100
    raise ValueError(f"unknown rule {rule!r}")


def band_for(score: float, bands: list[dict]) -> str:
    """The key of the highest band whose lower bound the score reaches."""
    key = bands[0]["key"]
    for band in sorted(bands, key=lambda b: b["min"]):
        if score >= band["min"]:
            key = band["key"]
    return key


def score_answers(method: dict, answers: dict[str, object]) -> Scores:
    """The index of a diagnostic from its answers keyed by question key."""
    dimensions, items = {}, {}
    for dimension in method["dimensions"]:
        total_weight = sum(item["weight"] for item in dimension["items"])
        weighted = 0.0
        for item in dimension["items"]:
            score = item_score(item, answers.get(item["question"]))
            items[item["question"]] = round(score, 1)
            weighted += score * item["weight"]
        dimensions[dimension["key"]] = round(weighted / total_weight, 1)
    overall = round(sum(dimensions.values()) / len(dimensions), 1)
    return Scores(overall, dimensions, items, band_for(overall, method["bands"]))


def size_band(members: int | None) -> str:
    if members is None:
        return "unknown"
    band = SIZE_BANDS[0][0]
    for key, minimum in SIZE_BANDS:
        if members >= minimum:
            band = key
    return band


def cut_points(values: list[float], points: int = PERCENTILES) -> list[float]:
    """Discrete percentiles at 0, 1/(points-1), ..., 1: the smallest value whose share of
    values at or below it reaches the fraction (PostgreSQL's percentile_disc)."""
    ordered = sorted(values)
    n = len(ordered)
    cuts = []
    for i in range(points):
        # ceil(p * n) with p = i / (points - 1), in integers to avoid float surprises.
        position = -(-i * n // (points - 1))
        cuts.append(ordered[max(position, 1) - 1])
    return cuts


def percentile_rank(value: float, cuts: list[float]) -> float:
    """Where a value stands among peers, 0-100: the share of cut points below it, with
    ties counted half (so a cohort of equal scores puts everyone at 50)."""
    below = bisect_left(cuts, value)
    at_or_below = bisect_right(cuts, value)
    return round(100 * (below + at_or_below) / 2 / len(cuts), 1)


def quartiles(cuts: list[float]) -> tuple[float, float, float]:
    last = len(cuts) - 1
    return cuts[last // 4], cuts[last // 2], cuts[3 * last // 4]
