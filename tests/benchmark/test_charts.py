from benchmark import charts
from benchmark.results import strongest_and_weakest


def row(label, start, due, status="planned", milestone_date=None):
    return charts.TimelineRow(label=label, start=start, due=due, status=status,
                              status_label=status, milestone="M",
                              milestone_date=milestone_date)


def test_the_timeline_draws_one_bar_per_action_grouped_by_status_in_plan_order():
    rows = [row("1. A", "2027-01-01", "2027-03-01", "done", "2027-03-01"),
            row("2. B", "2027-02-01", "2027-06-01"),
            row("3. C", "2027-04-01", "2027-09-01", "done")]
    figure = charts.plan_timeline(rows=rows, plan_start="2027-01-01", plan_end="2027-12-31",
                                  milestone_name="milestone", today="2027-05-01",
                                  today_name="today")
    bars = {trace["name"]: trace for trace in figure["data"] if trace["mode"] == "lines"}
    assert bars["done"]["x"] == ["2027-01-01", "2027-03-01", None,
                                 "2027-04-01", "2027-09-01", None]
    assert bars["planned"]["y"] == ["2. B", "2. B", None]
    milestones = next(t for t in figure["data"] if t["mode"] == "markers")
    assert milestones["x"] == ["2027-03-01"] and milestones["name"] == "milestone"
    assert figure["layout"]["yaxis"]["categoryarray"] == ["1. A", "2. B", "3. C"]
    assert figure["layout"]["shapes"][0]["x0"] == "2027-05-01"


def test_today_is_marked_only_inside_the_plan_period():
    figure = charts.plan_timeline(rows=[row("1. A", "2027-01-01", "2027-03-01")],
                                  plan_start="2027-01-01", plan_end="2027-12-31",
                                  milestone_name="m", today="2026-11-28")
    assert figure["layout"]["shapes"] == []
    assert [t["mode"] for t in figure["data"]] == ["lines"]  # no milestone without a date


def test_a_group_with_equal_quartiles_gets_a_visible_marker():
    rows = [charts.PositionRow("flat (n = 5)", 5, 40.0, 40.0, 40.0, 50.0),
            charts.PositionRow("spread (n = 9)", 9, 20.0, 45.0, 70.0, 60.0)]
    figure = charts.position_chart(own=50.0, own_name="you", rows=rows,
                            bands=[{"min": 0}, {"min": 50}], band_labels=["low", "high"])
    squares = [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "square"]
    assert len(squares) == 1
    assert (squares[0]["x"], squares[0]["y"]) == ([40.0], ["flat (n = 5)"])


def test_strongest_and_weakest_are_measured_against_peers_and_never_overlap():
    dims = [{"key": k, "score": s, "median": m} for k, s, m in [
        ("a", 90, 95), ("b", 60, 30), ("c", 50, 50), ("d", 40, 20), ("e", 70, 80),
        ("f", 10, None)]]
    strongest, weakest = strongest_and_weakest(dims)
    assert [d["key"] for d in strongest] == ["b", "d", "f"]  # f: no median, its score counts
    assert [d["key"] for d in weakest] == ["e", "a", "c"]
    strongest, weakest = strongest_and_weakest(dims[:5])
    assert len(strongest) == len(weakest) == 2
    assert not {d["key"] for d in strongest} & {d["key"] for d in weakest}
