"""The disclosure audit at the size of a live European site: how long the audit of one
release takes (benchmark/disclosure.py, pure Python, no database) for cohorts of consenting
clusters spread at random over 8 sectors, 3 governance types, 27 countries and 3 size bands
(1,944 cells: most groups are small, the hard case), then for the next release with 5 %
joined and 2 % withdrawn. Median of 3 cohorts per size (BENCH_AUDIT_COHORTS), with min
and max.

    bench/run audit      (or: .venv/bin/python bench/audit.py)

Writes bench/out/audit.json with P15 (seconds at 1,000 clusters) for bench/report.py."""

import os
import random
import statistics
import sys
import time

from common import ROOT, save_out

sys.path.insert(0, str(ROOT))
from benchmark import disclosure  # the project's root is put on the path first

SECTORS = [f"sector{i}" for i in range(8)]
GOVERNANCE = ["bottom_up", "top_down_internal", "top_down_external"]
COUNTRIES = [f"C{i:02d}" for i in range(27)]
SIZES = ["small", "medium", "large"]
SIZES_TO_TIME = [200, 500, 1000]
COHORTS = max(1, int(os.environ.get("BENCH_AUDIT_COHORTS", "3")))  # CI takes 1
K = 5


def cohort(n: int, seed: int, release: int = 1) -> list[disclosure.Units]:
    rng = random.Random(seed)
    return [disclosure.Units((rng.choice(SECTORS), rng.choice(GOVERNANCE), rng.choice(COUNTRIES),
                              rng.choice(SIZES)), ((release, None),))
            for _ in range(n)]


def two_releases(n: int, seed: int) -> tuple[float, float, int, int]:
    units = cohort(n, seed)
    start = time.perf_counter()
    first = disclosure.plan_release(units=units, previous={}, release=1, min_group=K)
    first_s = time.perf_counter() - start
    previous = {s: disclosure.Shown(r, 1) for s, r in first.figures.items()}
    rng = random.Random(seed + 1)
    after = [disclosure.Units(u.cell, ((1, 2),), withdrawn=True) if rng.random() < 0.02 else u
             for u in units] + cohort(n // 20, seed + 2, release=2)
    start = time.perf_counter()
    second = disclosure.plan_release(units=after, previous=previous, release=2, min_group=K)
    return first_s, time.perf_counter() - start, len(first.figures), len(second.figures)


def main() -> None:
    print(f"Disclosure audit, k = {K}, {COHORTS} random cohorts per size "
          "(seconds: median, min-max)")
    medians = {}
    for n in SIZES_TO_TIME:
        runs = [two_releases(n, seed) for seed in range(COHORTS)]
        first = [r[0] for r in runs]
        second = [r[1] for r in runs]
        medians[n] = statistics.median(first)
        print(f"  {n:>5} clusters: first release {statistics.median(first):6.1f} "
              f"({min(first):.1f}-{max(first):.1f}), next release "
              f"{statistics.median(second):6.1f} ({min(second):.1f}-{max(second):.1f}), "
              f"groups published {statistics.median(r[2] for r in runs):.0f} then "
              f"{statistics.median(r[3] for r in runs):.0f}", flush=True)
    save_out("audit.json", {"ratios": {"P15": {
        "value": medians[1000],
        "note": "first release of 1,000 random clusters in 1,944 cells, median of "
                f"{COHORTS} cohorts; 200: {medians[200]:.1f} s, 500: {medians[500]:.1f} s"}}})


if __name__ == "__main__":
    main()
