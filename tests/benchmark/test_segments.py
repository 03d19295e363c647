import itertools
import random

from benchmark.segments import ANY, ATTRIBUTES, parse_segment, segment_key, suppressed_segments

VALUES = {"sector": ["ict", "health", "mobility"], "governance": ["bottom_up", "top_down"],
          "country": ["FR", "DE"], "size": ["small", "large"]}


def _counts(entries):
    counts = {}
    for entry in entries:
        for mask in itertools.product([True, False], repeat=len(ATTRIBUTES)):
            key = segment_key(**{a: entry[a] for a, keep in zip(ATTRIBUTES, mask, strict=True)
                                 if keep})
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_segment_key_round_trip():
    key = segment_key(sector="ict", size="small")

    assert key == "sector=ict;governance=*;country=*;size=small"
    assert parse_segment(key) == {"sector": "ict", "governance": ANY, "country": ANY,
                                  "size": "small"}


def test_small_groups_are_hidden():
    counts = {segment_key(): 7, segment_key(sector="ict"): 5, segment_key(sector="health"): 2}

    hidden = suppressed_segments(counts, 5)

    # health alone would be 7 - 5 = 2: so ict is hidden as well.
    assert hidden == {segment_key(sector="health"), segment_key(sector="ict")}


def _assert_nothing_derivable(counts, hidden, min_group):
    for key, n in counts.items():
        if n < min_group:
            assert key in hidden
    for key in counts:
        if key in hidden:
            continue
        for attribute in ATTRIBUTES:
            if parse_segment(key)[attribute] != ANY:
                continue
            children = [c for c in counts if all(
                parse_segment(c)[a] == parse_segment(key)[a] for a in ATTRIBUTES if a != attribute)
                and parse_segment(c)[attribute] != ANY]
            hidden_children = [c for c in children if c in hidden]
            assert len(hidden_children) != 1, (key, attribute, hidden_children)


def test_no_published_total_reveals_a_hidden_group_on_random_cohorts():
    for seed in range(30):
        rng = random.Random(seed)
        entries = [{a: rng.choice(v) for a, v in VALUES.items()}
                   for _ in range(rng.randint(5, 60))]
        counts = _counts(entries)

        hidden = suppressed_segments(counts, 5)

        _assert_nothing_derivable(counts, hidden, 5)
