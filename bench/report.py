"""One report of the performance goals (the project's performance targets P1-P10, restated
here, and the goals added since: P11, the journey pages J1-J6, the PDF ready time and the
partner match list P12-P13, the disclosure audit P14-P15): every
figure with its goal and whether it holds. Ratios that swing between runs are the median of
interleaved rounds, with their spread in the note.

    bench/run report     (or: .venv/bin/python bench/report.py)

Each benchmark leaves what it measured in bench/out/<benchmark>.json:
    {"ratios": {"P1": {"value": 0.31, "note": "how it was measured"}, ...}}
(bench/results_page.py writes results.json; bench/pdf.py pdf.json with P7-P9; the load
drill load.json with the PDF ready time; bench/partners.py partners.json with P12-P13;
results.json also holds P14, and bench/audit.py writes audit.json with P15).
A ratio no benchmark wrote is printed as "not measured". The report exits non-zero when
a measured ratio misses its goal, or when no benchmark left anything to report.
"""

import json
import operator
import sys

from common import OUT

# id: (what is measured, comparison, goal)
GOALS = {
    "P1": ("results page rps / /ping rps (logged in, 100,000 diagnostics)", ">=", 0.10),
    "P2": ("questionnaire step GET and autosave POST rps / /ping rps", ">=", 0.25),
    "P3": ("results rps at 100,000 / at 100 diagnostics", ">=", 0.8),
    "P4": ("query count equal at 100 and 100,000 (1 = equal)", ">=", 1.0),
    "P5": ("N+1 guard: extra queries of a journey page, 20 actions and members vs 1", "<=",
           0.0),
    "P6": ("results computation (percentiles, shares) at 100,000 / at 100", "<=", 2.0),
    # Was "WeasyPrint / ReportLab, same content": that needs a second renderer kept only to
    # be compared with; what a user waits on is the render itself (and, under load, PDF).
    "P7": ("PDF render of the typical plan, seconds (warm median)", "<=", 2.0),
    "P8": ("PDF render 10-page plan / 1-page plan", "<=", 12.0),
    "P9": ("/ping rps while PDFs render / idle /ping rps", ">=", 0.4),
    "P10": ("/ping rps / bare WSGI rps, same gunicorn", ">=", 0.5),
    "P11": ("logged-in /ping rps / anonymous /ping rps", ">=", 0.5),
    "J1": ("review page rps / logged-in /ping rps", ">=", 0.25),
    "J2": ("results page rps / logged-in /ping rps (as P1, goal of the journey)", ">=", 0.25),
    "J3": ("strategy page rps / logged-in /ping rps", ">=", 0.25),
    "J4": ("plan page rps / logged-in /ping rps", ">=", 0.25),
    "J5": ("agenda rps / logged-in /ping rps", ">=", 0.25),
    "J6": ("plan history rps / logged-in /ping rps", ">=", 0.25),
    "PDF": ("PDF request to ready file under the load run, p95 (seconds)", "<=", 30.0),
    "P12": ("partner match list median / results page median (10,000 profiles)", "<=", 2.0),
    "P13": ("partner match list queries equal at 100 and 10,000 (1 = equal)", ">=", 1.0),
    "P14": ("statistics refresh with the disclosure audit / before it (100,000 diagnostics)",
            "<=", 1.5),
    "P15": ("disclosure audit of 1,000 consenting clusters in 1,944 cells, seconds (median)",
            "<=", 60.0),
}
COMPARE = {">=": operator.ge, "<=": operator.le}


def measured() -> dict:
    ratios = {}
    for path in sorted(OUT.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except ValueError:
            print(f"  (skipped {path.name}: not JSON)")
            continue
        for key, entry in data.get("ratios", {}).items():
            ratios[key] = {**entry, "source": path.name}
    return ratios


def main() -> int:
    ratios = measured()
    print("\nPerformance goals (ratios measured side by side in one run, on this machine)")
    print(f"  {'':<4} {'what':<66} {'value':>8}  {'goal':<8} verdict")
    missed = []
    for key, (label, op, goal) in GOALS.items():
        entry = ratios.get(key)
        if entry is None or entry.get("value") is None:
            print(f"  {key:<4} {label:<66} {'—':>8}  {op} {goal:<5} not measured")
            continue
        value = float(entry["value"])
        ok = COMPARE[op](value, goal)
        if not ok:
            missed.append(key)
        print(f"  {key:<4} {label:<66} {value:>8.2f}  {op} {goal:<5} "
              f"{'holds' if ok else 'MISSED'}")
        if entry.get("note"):
            print(f"  {'':<4}   {entry['note']} ({entry['source']})")
    if not ratios:
        print("Nothing measured yet: run bench/run first.", file=sys.stderr)
        return 1
    if missed:
        print(f"Missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
